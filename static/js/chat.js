// The live chat on top of htmx's websocket extension. Everything here is an enhancement:
// without it (or while the socket is down) the forms post as plain HTML forms.
(function () {
  "use strict";
  var socketOpen = false;
  var sentFrom = null; // the ws-send form waiting for the server's answer
  var reloadTimer = null;
  var RELOAD_AFTER_MS = 3000;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function reveal(element) {
    if (element) element.scrollIntoView({ block: "nearest", behavior: reduceMotion ? "auto" : "smooth" });
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;
  }

  // With the socket down, a reply being written would never show: follow it by reloading,
  // as the page does without JavaScript, until the socket is back.
  function followByReloading() {
    if (socketOpen || reloadTimer || !document.querySelector("li.message.live")) return;
    reloadTimer = window.setTimeout(function () {
      if (!socketOpen) window.location.reload();
    }, RELOAD_AFTER_MS);
  }

  document.addEventListener("htmx:wsOpen", function () {
    socketOpen = true;
    document.documentElement.classList.add("socket-open");
    if (reloadTimer) window.clearTimeout(reloadTimer);
    reloadTimer = null;
  });
  document.addEventListener("htmx:wsClose", function () {
    socketOpen = false;
    document.documentElement.classList.remove("socket-open");
    followByReloading();
  });
  document.addEventListener("DOMContentLoaded", function () {
    window.setTimeout(followByReloading, RELOAD_AFTER_MS);
  });

  // Socket down: keep htmx from taking the submit, so the browser posts the form itself.
  document.addEventListener("submit", function (event) {
    if (!socketOpen && event.target.hasAttribute("ws-send")) event.stopImmediatePropagation();
  }, true);

  // One press is one send: the button stays busy until the server answers.
  document.addEventListener("htmx:wsAfterSend", function (event) {
    sentFrom = event.target;
    var button = sentFrom.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    }
  });

  document.addEventListener("htmx:wsAfterMessage", function (event) {
    var frame = String(event.detail.message || "");
    answerToSend(frame);
    // Land on a new or finished reply; follow a streaming one if we were at the end.
    var messages = document.getElementById("messages");
    if (!messages) return;
    var last = messages.lastElementChild;
    var finished = /<li [^>]*id="m\d+"[^>]*hx-swap-oob="true"/.test(frame);
    var added = frame.indexOf('id="messages" hx-swap-oob="beforeend"') !== -1;
    if (added || finished) {
      reveal(last);
    } else if (last && last.classList.contains("live") && nearBottom()) {
      reveal(last);
    }
  });

  // The server answers a send with its error line: empty means accepted, so the typed text
  // goes (the field itself stays, with focus and keyboard); otherwise the text stays and the
  // button is free again unless a reply is being written.
  function answerToSend(frame) {
    if (!sentFrom || !/id="(composer|draft)-error"/.test(frame)) return;
    var form = sentFrom;
    sentFrom = null;
    var error = form.querySelector(".field-error");
    var refused = error && error.textContent.trim() !== "";
    var box = form.querySelector("textarea");
    if (box && !refused) box.value = "";
    var button = form.querySelector("button[aria-busy=true]");
    if (button) {
      button.removeAttribute("aria-busy");
      if (refused) button.disabled = Boolean(document.querySelector("li.message.live"));
    }
  }
})();

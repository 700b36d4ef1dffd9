// The live chat on top of htmx's websocket extension. Everything here is an enhancement:
// without it (or while the socket is down) the forms post as plain HTML forms.
(function () {
  "use strict";
  var socketOpen = false;
  var reduceMotion = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;

  function reveal(element) {
    if (element) element.scrollIntoView({ block: "nearest", behavior: reduceMotion ? "auto" : "smooth" });
  }

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;
  }

  document.addEventListener("htmx:wsOpen", function () {
    socketOpen = true;
    document.documentElement.classList.add("socket-open");
  });
  document.addEventListener("htmx:wsClose", function () {
    socketOpen = false;
    document.documentElement.classList.remove("socket-open");
  });

  // Socket down: cancel the socket send, and the browser posts the form the plain way.
  document.addEventListener("htmx:wsConfigSend", function (event) {
    if (!socketOpen) event.preventDefault();
  });

  // One press is one send: the button stays busy until the server answers.
  document.addEventListener("htmx:wsAfterSend", function (event) {
    var button = event.target.querySelector("button[type=submit]");
    if (button) {
      button.disabled = true;
      button.setAttribute("aria-busy", "true");
    }
  });

  // After a frame: land on a new or finished reply; follow a streaming one if we were at the end.
  document.addEventListener("htmx:wsAfterMessage", function (event) {
    var frame = String(event.detail.message || "");
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
    // An answer to this socket's send re-enables the form's own buttons.
    document.querySelectorAll("form[ws-send] button[aria-busy=true]").forEach(function (button) {
      if (/id="composer-error"|id="draft-error"/.test(frame)) {
        button.removeAttribute("aria-busy");
        if (!document.querySelector("li.message.live")) button.disabled = false;
      }
    });
  });
})();

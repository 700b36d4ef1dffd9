// The PDF status page on top of htmx polling. htmx swaps the status fragment when the state
// changes, inside a polite live region that reads the change out once. This only keeps the
// keyboard focus: if it was inside the fragment being replaced (on "Odśwież"), it moves to the
// new fragment instead of falling back to the top of the page, without a second reading.
(function () {
  "use strict";
  var focusWasInside = false;

  function isRender(element) {
    return element && element.classList && element.classList.contains("render");
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (!isRender(target)) return;
    focusWasInside = target.contains(document.activeElement);
    var live = target.closest("[role=status]");
    // The focused fragment will be read when it takes the focus: the region stays quiet once.
    if (live && focusWasInside) live.setAttribute("aria-live", "off");
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var fragment = event.detail.elt;
    if (!isRender(fragment)) return;
    var fresh = document.getElementById(fragment.id) || fragment;
    var opener = fresh.dataset.finished === "true" && fresh.querySelector("a.button.primary");
    var idle = document.activeElement === document.body || document.activeElement === null;
    // When the PDF is ready, "Otwórz PDF" takes the focus (one press opens it), unless the
    // person is busy elsewhere on the page. The page itself stays: it says how to send it.
    if (opener && (focusWasInside || idle)) {
      focusWasInside = false;
      opener.focus();
      restoreLive(fresh);
      return;
    }
    if (!focusWasInside) return;
    focusWasInside = false;
    fresh.focus();
    restoreLive(fresh);
  });

  function restoreLive(fragment) {
    var live = fragment.closest("[role=status]");
    if (live) {
      window.setTimeout(function () {
        live.removeAttribute("aria-live");
      }, 0);
    }
  }
})();

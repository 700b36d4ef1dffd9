// After every post the page lands on what changed: an error first, else the anchor the
// server redirected to (the new reply, the saved letter), else a notice. Without
// JavaScript the browser still scrolls to the anchor; this moves the keyboard focus too.
(function () {
  "use strict";
  function focusOn(element) {
    if (!element) return false;
    if (!element.matches("a, button, input, select, textarea, summary, [tabindex]")) {
      element.setAttribute("tabindex", "-1");
    }
    element.focus({ preventScroll: false });
    return true;
  }
  document.addEventListener("DOMContentLoaded", function () {
    var main = document.getElementById("tresc");
    if (!main) return;
    var error = main.querySelector(".flash-error, [aria-invalid='true']");
    if (error && focusOn(error)) return;
    var id = window.location.hash.slice(1);
    var target = id ? document.getElementById(id) : null;
    if (target && focusOn(target)) return;
    focusOn(main.querySelector(".flash[role='status']"));
  });
})();

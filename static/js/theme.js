// Colour mode, run in <head> before the page paints. The server writes data-bs-theme for an
// explicit "light" or "dark" choice; for "auto" this follows the system setting and its changes.
(function () {
  "use strict";
  var root = document.documentElement;
  if (root.getAttribute("data-color-mode") !== "auto" || !window.matchMedia) return;
  var dark = window.matchMedia("(prefers-color-scheme: dark)");
  function apply() {
    root.setAttribute("data-bs-theme", dark.matches ? "dark" : "light");
  }
  apply();
  if (dark.addEventListener) {
    dark.addEventListener("change", apply);
  } else if (dark.addListener) {
    dark.addListener(apply);
  }
})();

// Infoview's own behaviour. Loaded with the page's CSP nonce; no inline handlers anywhere.
(function () {
  "use strict";
  // Forms marked data-confirm ask before they destroy anything.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    var question = form.getAttribute && form.getAttribute("data-confirm");
    if (question && !window.confirm(question)) {
      event.preventDefault();
    }
  });

  // Keyboard shortcuts (listed on /help/): "/" focuses the page's search box, "n" follows the
  // page's "new" link, "?" opens the help page. Never while typing in a field.
  function typing(target) {
    if (!target || !target.closest) return false;
    return Boolean(target.closest("input, textarea, select, [contenteditable=''], [contenteditable='true']"));
  }
  document.addEventListener("keydown", function (event) {
    if (event.defaultPrevented || event.ctrlKey || event.metaKey || event.altKey) return;
    if (typing(event.target)) return;
    var target = null;
    if (event.key === "/") {
      target = document.querySelector("[data-shortcut='search']") || document.querySelector("main input[type=search]");
      if (target) {
        event.preventDefault();
        target.focus();
        if (target.select) target.select();
      }
    } else if (event.key === "n") {
      target = document.querySelector("a[data-shortcut='new']");
      if (target) {
        event.preventDefault();
        window.location.assign(target.href);
      }
    } else if (event.key === "?") {
      target = document.querySelector("a[data-shortcut='help']");
      if (target) {
        event.preventDefault();
        window.location.assign(target.href);
      }
    }
  });
})();

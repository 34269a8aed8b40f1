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

  // Forms marked data-once send once: their submit buttons are disabled while the request runs
  // (a double-click makes one request; the server's one-time token covers the rest). Runs
  // after data-confirm's listener, so a cancelled confirmation leaves the button alone.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (event.defaultPrevented || !form.hasAttribute || !form.hasAttribute("data-once")) return;
    if (form.getAttribute("data-sending") === "true") {
      event.preventDefault();
      return;
    }
    form.setAttribute("data-sending", "true");
    // Disabled on the next tick: a button disabled now would drop its own name/value.
    window.setTimeout(function () {
      form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (button) {
        button.disabled = true;
        button.setAttribute("aria-busy", "true");
      });
    }, 0);
  });
  // htmx requests from a data-once form: disabled for the request's life, enabled after it.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.target.closest && event.target.closest("form[data-once]");
    if (form) form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  });
  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.target.closest && event.target.closest("form[data-once]");
    if (!form) return;
    form.removeAttribute("data-sending");
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
  });
  // Back from the browser's cache: a page shown again starts with its buttons usable.
  window.addEventListener("pageshow", function (event) {
    if (!event.persisted) return;
    document.querySelectorAll("form[data-sending]").forEach(function (form) {
      form.removeAttribute("data-sending");
      form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = false; });
    });
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

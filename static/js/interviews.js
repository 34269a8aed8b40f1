// Interviews: autosave that survives a closing tab, and the conversation view's "met" toggles.
(function () {
  "use strict";

  function csrfToken() {
    try {
      return JSON.parse(document.body.getAttribute("data-hx-headers"))["X-CSRFToken"];
    } catch (error) {
      return "";
    }
  }

  // Each autosaved box remembers what the server last confirmed; whatever differs is unsaved.
  document.querySelectorAll("[data-autosave]").forEach(function (box) {
    box.dataset.savedValue = box.value;
  });

  document.body.addEventListener("htmx:configRequest", function (event) {
    var box = event.detail.elt;
    if (box && box.hasAttribute && box.hasAttribute("data-autosave")) {
      box.dataset.sending = box.value;
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var box = event.detail.elt;
    if (box && box.hasAttribute && box.hasAttribute("data-autosave") && event.detail.successful) {
      box.dataset.savedValue = box.dataset.sending;
    }
  });

  // When the tab is hidden or closed before the debounce fired, send what is left with a
  // beacon: the browser delivers it even as the page goes away.
  function flush() {
    document.querySelectorAll("[data-autosave]").forEach(function (box) {
      if (box.value === box.dataset.savedValue) {
        return;
      }
      var data = new FormData();
      data.append(box.name, box.value);
      data.append("csrfmiddlewaretoken", csrfToken());
      if (navigator.sendBeacon(box.getAttribute("data-hx-post"), data)) {
        box.dataset.savedValue = box.value;
      }
    });
  }
  window.addEventListener("pagehide", flush);
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") {
      flush();
    }
  });

  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt;
    if (!form.classList || !form.classList.contains("objective-toggle") || !event.detail.successful) {
      return;
    }
    var button = form.querySelector("button");
    var met = button.getAttribute("aria-pressed") !== "true";
    button.setAttribute("aria-pressed", met ? "true" : "false");
    button.classList.toggle("btn-success", met);
    button.classList.toggle("btn-outline-success", !met);
    button.textContent = met ? button.dataset.metLabel : button.dataset.unmetLabel;
  });
})();

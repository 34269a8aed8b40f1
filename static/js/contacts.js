// Contacts: the "introduced by" picker and "select all" in the contact list. CSP-safe, no inline code.
(function () {
  "use strict";
  document.addEventListener("click", function (event) {
    var pick = event.target.closest("[data-pick-id]");
    var clear = event.target.closest("[data-picker-clear]");
    var picker = (pick || clear) && (pick || clear).closest("[data-contact-picker]");
    if (!picker) return;
    var value = picker.querySelector("[data-picker-value]");
    var chosen = picker.querySelector("[data-picker-chosen]");
    var search = picker.querySelector("[data-picker-search]");
    value.value = pick ? pick.getAttribute("data-pick-id") : "";
    chosen.textContent = pick ? pick.getAttribute("data-pick-name") : chosen.getAttribute("data-none") || "—";
    search.value = "";
    picker.querySelector(".contact-picker-results").replaceChildren();
  });
  // Enter in the picker's search box picks nothing and must not submit the contact form.
  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target.matches("[data-picker-search]")) {
      event.preventDefault();
    }
  });
  document.addEventListener("change", function (event) {
    if (!event.target.matches("[data-select-all]")) return;
    var form = event.target.closest("form");
    form.querySelectorAll("input[name=ids]").forEach(function (box) {
      box.checked = event.target.checked;
    });
  });
})();

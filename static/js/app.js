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
})();

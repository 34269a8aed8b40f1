// The API's interactive docs: Swagger UI on the OpenAPI document, sending the page's CSRF
// token with each try-it-out request (the session is the signed-in browser's own).
(function () {
  "use strict";
  const data = document.body.dataset;
  SwaggerUIBundle({
    url: data.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    presets: [SwaggerUIBundle.presets.apis],
    layout: "BaseLayout",
    requestInterceptor: function (request) {
      if (data.csrfToken) {
        request.headers["X-CSRFToken"] = data.csrfToken;
      }
      return request;
    },
  });
})();

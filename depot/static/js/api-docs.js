// /api/docs: start Swagger UI on the depot's OpenAPI document (no inline script: the CSP).
// The example buttons pick which named example (zh_CN or zh_TW) the operations show first.
(function () {
  "use strict";
  var root = document.getElementById("swagger-ui");
  if (!root || typeof SwaggerUIBundle !== "function") { return; }
  var url = root.getAttribute("data-url");
  var ui;
  function start(language) {
    ui = SwaggerUIBundle({
      url: url,
      dom_id: "#swagger-ui",
      deepLinking: false,
      docExpansion: "list",
      defaultModelsExpandDepth: 0,
      validatorUrl: null,
      requestInterceptor: function (request) {
        if (language) { request.headers["Accept-Language"] = language.replace("_", "-"); }
        return request;
      },
      responseInterceptor: function (response) {
        if (language && response.url === new URL(url, location.href).href && response.body) {
          preferExamples(response.body, language);
          response.text = JSON.stringify(response.body);
          response.data = response.text;
        }
        return response;
      }
    });
  }
  // Put the chosen language's example first in every `examples` map: Swagger UI shows the first.
  function preferExamples(node, language) {
    if (!node || typeof node !== "object") { return; }
    Object.keys(node).forEach(function (key) {
      var value = node[key];
      if (key === "examples" && value && typeof value === "object" && value[language]) {
        var ordered = {};
        ordered[language] = value[language];
        Object.keys(value).forEach(function (k) { if (k !== language) { ordered[k] = value[k]; } });
        node[key] = ordered;
      } else {
        preferExamples(value, language);
      }
    });
  }
  var chosen = (document.documentElement.lang || "").indexOf("TW") >= 0 ? "zh_TW" : "zh_CN";
  Array.prototype.forEach.call(document.querySelectorAll("[data-example]"), function (button) {
    button.setAttribute("aria-pressed", String(button.getAttribute("data-example") === chosen));
    button.addEventListener("click", function () {
      chosen = button.getAttribute("data-example");
      Array.prototype.forEach.call(document.querySelectorAll("[data-example]"), function (b) {
        b.setAttribute("aria-pressed", String(b === button));
      });
      start(chosen);
    });
  });
  start(chosen);
}());

// Starts Swagger UI on the gateway's own OpenAPI document. This lives in a
// file rather than an inline <script> so the docs page's CSP can keep
// script-src 'self' without 'unsafe-inline'.
"use strict";

window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: "/openapi.json",
    dom_id: "#swagger-ui",
    deepLinking: true,
    // The base layout has no top bar, so there is no field for loading
    // some other document into a page served with our origin's authority.
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    // The default validator is an external service that would receive our
    // document (and is blocked by the CSP anyway).
    validatorUrl: null,
    // Never take a document URL or settings from the page's query string:
    // a crafted link must not make our origin display a foreign API.
    queryConfigEnabled: false,
    // Tokens entered under "Authorize" stay in this tab's memory only.
    persistAuthorization: false,
    displayRequestDuration: true,
    defaultModelsExpandDepth: 1
  });
});

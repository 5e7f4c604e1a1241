import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import type { FastifyInstance } from "fastify";
import type { Platform } from "../../platform.ts";
import { buildOpenApiDocument } from "../openapi/document.ts";
import { documentedRoutes, documentRoute } from "../openapi/registry.ts";

const require = createRequire(import.meta.url);

/** The viewer's self-contained browser bundle, as the npm package ships it. */
function viewerPath(): string {
  return join(dirname(require.resolve("@scalar/api-reference")), "browser", "standalone.js");
}

/** The reference page loads its viewer from this server only; it needs no outside network. */
const docsPage = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>Teekrr API reference</title>
  </head>
  <body>
    <div id="reference"></div>
    <script src="/docs/reference.js"></script>
    <script src="/docs/start.js"></script>
  </body>
</html>
`;

const startScript = `Scalar.createApiReference("#reference", {
  url: "/openapi.json",
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
});
`;

const docsPolicy =
  "default-src 'self'; script-src 'self' 'unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data:; font-src 'self' data:; connect-src 'self'";

export function registerReferenceRoutes(app: FastifyInstance, platform: Platform): void {
  let document: Record<string, unknown> | null = null;
  let viewer: Buffer | null = null;

  documentRoute(app, {
    method: "GET",
    path: "/openapi.json",
    summary: "This document",
    tags: ["Reference"],
    auth: "none",
    success: { status: 200, description: "OpenAPI 3.1", contentType: "application/json" },
    errors: [],
  });
  app.get("/openapi.json", async (_request, reply) => {
    // Built on first use, once every route of the server has declared itself.
    document ??= buildOpenApiDocument(documentedRoutes(app), platform.config.PUBLIC_URL);
    return reply.header("cache-control", "no-cache").send(document);
  });

  documentRoute(app, {
    method: "GET",
    path: "/docs",
    summary: "Interactive API reference",
    tags: ["Reference"],
    auth: "none",
    success: { status: 200, description: "An HTML page", contentType: "text/html" },
    errors: [],
  });
  app.get("/docs", async (_request, reply) =>
    reply
      .type("text/html; charset=utf-8")
      .header("content-security-policy", docsPolicy)
      .send(docsPage),
  );
  app.get("/docs/start.js", async (_request, reply) =>
    reply.type("text/javascript; charset=utf-8").send(startScript),
  );
  app.get("/docs/reference.js", async (_request, reply) => {
    viewer ??= await readFile(viewerPath()).catch(() => null);
    if (!viewer) return reply.status(404).send({ message: "Not found" });
    return reply
      .type("text/javascript; charset=utf-8")
      .header("cache-control", "public, max-age=86400")
      .send(viewer);
  });
}

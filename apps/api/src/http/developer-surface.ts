import type { FastifyInstance } from "fastify";
import { createUsageRecorder } from "../domain/usage.ts";
import type { Platform } from "../platform.ts";
import { documentPlatformRoutes } from "./openapi/platform-routes.ts";
import { registerAccountRoutes } from "./routes/account.ts";
import { registerReferenceRoutes } from "./routes/reference.ts";
import { registerWebhookRoutes } from "./routes/webhooks.ts";

/**
 * Records every call made with an API key in the client's usage log. Calls refused before
 * a key was recognised belong to no client and are only in the request log.
 */
function installUsageLog(app: FastifyInstance, platform: Platform): void {
  const recorder = createUsageRecorder(platform.database.db, platform.logger, {
    maxRows: platform.config.USAGE_FLUSH_ROWS,
    intervalMs: platform.config.USAGE_FLUSH_MS,
  });
  app.addHook("onResponse", async (request, reply) => {
    const key = request.apiKey;
    if (!key) return;
    recorder.record({
      clientId: key.clientId,
      keyId: key.keyId,
      method: request.method,
      path: request.routeOptions.url ?? "(unmatched)",
      status: reply.statusCode,
      latencyMs: Math.round(reply.elapsedTime),
      requestId: request.id,
      at: new Date(),
    });
  });
  app.addHook("onClose", async () => {
    await recorder.close();
  });
}

/** Webhook endpoints, account reads, the usage log and the API reference. */
export function registerDeveloperSurface(app: FastifyInstance, platform: Platform): void {
  installUsageLog(app, platform);
  registerWebhookRoutes(app, platform);
  registerAccountRoutes(app, platform);
  registerReferenceRoutes(app, platform);
  documentPlatformRoutes(app);
}

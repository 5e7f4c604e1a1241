import { randomUUID } from "node:crypto";
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from "fastify";
import { createCallbackInbox } from "../jobs/report-ingest.ts";
import type { Platform } from "../platform.ts";
import { registerTrpc } from "../trpc/mount.ts";
import { registerDeveloperSurface } from "./developer-surface.ts";
import { answerFrameworkError, installErrorHandling } from "./errors.ts";
import { registerBroadcastRoutes } from "./routes/broadcasts.ts";
import { registerElfoCallbackRoutes } from "./routes/elfo-callbacks.ts";
import { registerEmailRoutes } from "./routes/email.ts";
import { registerHealthRoutes } from "./routes/health.ts";
import { registerMetaCallbackRoutes } from "./routes/meta-callbacks.ts";
import { registerSesCallbackRoutes } from "./routes/ses-callbacks.ts";
import { registerSmsRoutes } from "./routes/sms.ts";
import { registerSuppressionRoutes } from "./routes/suppressions.ts";
import { registerWhatsAppRoutes } from "./routes/whatsapp.ts";
import { registerWhatsAppMediaRoutes } from "./routes/whatsapp-media.ts";

/**
 * `TRUST_PROXY` is a hop count or a comma-separated list of proxy addresses and ranges;
 * unset, no `X-Forwarded-For` hop is believed and the socket address is the client's.
 */
function trustProxyOption(
  value: string | undefined,
): boolean | string | ((address: string, hop: number) => boolean) {
  if (!value) return false;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address, hop) => hop < hops;
  }
  return value;
}

/** `extend` adds routes before the server is sealed; benchmarks use it for references. */
export async function buildServer(
  platform: Platform,
  extend?: (app: FastifyInstance) => void,
): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: platform.logger as FastifyBaseLogger,
    // One line per request is written by the onResponse hook below, with the client's id.
    logController: new LogController({
      disableRequestLogging: true,
      requestIdLogLabel: "requestId",
    }),
    trustProxy: trustProxyOption(platform.config.TRUST_PROXY),
    bodyLimit: platform.config.BODY_LIMIT_BYTES,
    genReqId: () => randomUUID(),
    return503OnClosing: true,
    frameworkErrors: answerFrameworkError,
  });

  app.addHook("onRequest", async (request, reply) => {
    reply.header("Request-Id", request.id);
  });
  app.addHook("onResponse", async (request, reply) => {
    request.log.info(
      {
        method: request.method,
        path: request.routeOptions.url ?? request.url.split("?")[0],
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
      },
      "request completed",
    );
  });

  // Only JSON is accepted; Fastify would otherwise also parse text/plain bodies.
  app.removeContentTypeParser("text/plain");
  installErrorHandling(app);
  registerHealthRoutes(app, platform);
  registerSmsRoutes(app, platform);
  registerBroadcastRoutes(app, platform);
  const storeCallback = createCallbackInbox(platform);
  registerElfoCallbackRoutes(app, platform, storeCallback);
  registerWhatsAppRoutes(app, platform);
  registerWhatsAppMediaRoutes(app, platform);
  registerMetaCallbackRoutes(app, platform, storeCallback);
  registerEmailRoutes(app, platform);
  registerSuppressionRoutes(app, platform);
  registerSesCallbackRoutes(app, platform, storeCallback);
  registerDeveloperSurface(app, platform);
  await registerTrpc(app, platform);
  extend?.(app);
  await app.ready();
  return app;
}

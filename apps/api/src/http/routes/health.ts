import type { FastifyInstance } from "fastify";
import type { Platform } from "../../platform.ts";

export function registerHealthRoutes(app: FastifyInstance, platform: Platform): void {
  app.get("/healthz", async () => ({ data: { status: "ok" } }));

  app.get("/readyz", async (_request, reply) => {
    try {
      await platform.database.sql`SELECT 1`;
      await platform.boss.getQueue("send.sms");
      return { data: { status: "ready" } };
    } catch (error) {
      reply.log.warn({ err: error }, "not ready");
      return reply.status(503).send({ message: "Database or queues unreachable" });
    }
  });
}

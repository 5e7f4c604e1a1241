import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { elfoReport } from "../../channels/elfo-reports.ts";
import { documentRoute } from "./registry.ts";
import { callbackReceived } from "./responses.ts";

/** Documents the health checks and the Elfo callback, whose handlers predate the registry. */
export function documentPlatformRoutes(app: FastifyInstance): void {
  documentRoute(app, {
    method: "GET",
    path: "/healthz",
    summary: "Liveness",
    tags: ["Operations"],
    auth: "none",
    success: { status: 200, description: "Alive", data: z.object({ status: z.literal("ok") }) },
    errors: [],
  });
  documentRoute(app, {
    method: "GET",
    path: "/readyz",
    summary: "Readiness",
    description: "Answers 503 when the database or the job queues are unreachable.",
    tags: ["Operations"],
    auth: "none",
    success: { status: 200, description: "Ready", data: z.object({ status: z.literal("ready") }) },
    errors: [503],
  });
  documentRoute(app, {
    method: "POST",
    path: "/callbacks/elfo",
    summary: "Elfo delivery report",
    description: "Posted by the Elfo gateway with the account's API key in `Authorization`.",
    tags: ["Provider callbacks"],
    auth: "provider",
    body: elfoReport,
    success: { status: 200, description: "Stored for processing", data: callbackReceived },
    errors: [401],
  });
}

import type { FastifyInstance } from "fastify";
import { getBroadcast, getMessage } from "../../domain/broadcasts/read.ts";
import type { Platform } from "../../platform.ts";
import { authenticate } from "../authenticate.ts";

export function registerBroadcastRoutes(app: FastifyInstance, platform: Platform): void {
  const { db } = platform.database;

  app.get<{ Params: { uuid: string } }>("/broadcasts/:uuid", async (request) => {
    const key = await authenticate(platform, request, ["read_messages"]);
    return { data: await getBroadcast(db, key.clientId, request.params.uuid) };
  });

  app.get<{ Params: { uuid: string } }>("/messages/:uuid", async (request) => {
    const key = await authenticate(platform, request, ["read_messages"]);
    return { data: await getMessage(db, key.clientId, request.params.uuid) };
  });
}

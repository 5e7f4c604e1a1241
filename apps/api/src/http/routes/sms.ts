import { sendSmsBody } from "@teekrr/shared";
import type { FastifyInstance } from "fastify";
import { createSmsBroadcast } from "../../domain/broadcasts/create-sms.ts";
import type { Platform } from "../../platform.ts";
import { authenticate } from "../authenticate.ts";
import { withSendLimit } from "../send-limit.ts";
import { parseInput } from "../validation.ts";

export function registerSmsRoutes(app: FastifyInstance, platform: Platform): void {
  app.post("/sms", async (request, reply) => {
    const key = await authenticate(platform, request, ["send_sms"]);
    const limit = await withSendLimit(platform, reply, key.clientId, "send.sms");
    const body = parseInput(sendSmsBody, request.body);

    const accepted = await createSmsBroadcast(
      platform,
      { clientId: key.clientId, apiKeyId: key.keyId, livemode: !key.test },
      body,
      [limit.consume],
    );
    return reply.status(202).send({ data: accepted });
  });
}

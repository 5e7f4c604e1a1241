import { sendWhatsappBody, whatsappTestBody } from "@teekrr/shared";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { createWhatsAppBroadcast } from "../../domain/whatsapp/create-broadcast.ts";
import { sendWhatsAppTest } from "../../domain/whatsapp/test-send.ts";
import type { Platform } from "../../platform.ts";
import { authenticate } from "../authenticate.ts";
import { idempotencyHeaderDoc, withIdempotency } from "../idempotency.ts";
import { defineRoute } from "../openapi/registry.ts";
import { broadcastAccepted } from "../openapi/responses.ts";
import { describeSendLimit, withSendLimit } from "../send-limit.ts";
import { defineSendRoute } from "../send-route.ts";
import { parseInput } from "../validation.ts";

const testSent = z.object({
  messageUuid: z.uuid(),
  providerMessageId: z.string().describe("Meta's message id (`wamid...`)"),
});

export function registerWhatsAppRoutes(app: FastifyInstance, platform: Platform): void {
  defineSendRoute(app, platform, {
    channel: "whatsapp",
    path: "/whatsapp",
    summary: "Send a WhatsApp template broadcast",
    description:
      "Variables are positional (`header`, `body`, `button` arrays and a header media " +
      "link) or named (`templateParams`). A `recipientVariables` row overrides them for " +
      "its recipient: by name for named templates, as `body.2`, `header.1`, `button.1` " +
      "(or a bare position for the body) for positional ones.",
    tags: ["WhatsApp"],
    body: sendWhatsappBody,
    accepted: broadcastAccepted,
    errors: [400, 401, 402, 403, 404, 409, 413, 415, 422, 429],
    create: createWhatsAppBroadcast,
  });

  defineRoute(
    app,
    {
      method: "POST",
      path: "/whatsapp/test",
      summary: "Send one WhatsApp test message now",
      description:
        "Sends one template message straight to Meta and answers once Meta accepted it. " +
        "Free of charge; its delivered and failed webhooks still fire. Meta's refusal is a " +
        "422 with Meta's code. Limited to 5 requests per 15 minutes per client.",
      tags: ["WhatsApp"],
      scopes: ["send_whatsapp"],
      body: whatsappTestBody,
      headers: [idempotencyHeaderDoc],
      success: { status: 200, description: "Meta accepted the message", data: testSent },
      errors: [400, 401, 403, 404, 409, 415, 422, 429],
    },
    async (request, reply) => {
      const key = await authenticate(platform, request, ["send_whatsapp"]);
      // The key is kept only once Meta has accepted the message, so a refused test send
      // can be tried again with the same key.
      return await withIdempotency(
        platform,
        request,
        reply,
        key.clientId,
        async () => {
          const limit = await withSendLimit(platform, reply, key.clientId, "whatsapp.test");
          const body = parseInput(whatsappTestBody, request.body);

          const sent = await sendWhatsAppTest(
            platform,
            { clientId: key.clientId, apiKeyId: key.keyId, livemode: !key.test },
            body,
            [limit.consume],
          );
          return { status: 200, body: { data: sent } };
        },
        () => describeSendLimit(platform, reply, key.clientId, "whatsapp.test"),
      );
    },
  );
}

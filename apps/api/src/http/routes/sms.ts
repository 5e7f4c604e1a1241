import { sendSmsBody, smsPreviewBody } from "@teekrr/shared";
import type { FastifyInstance } from "fastify";
import { loadClient } from "../../domain/api-keys.ts";
import { createSmsBroadcast } from "../../domain/broadcasts/create-sms.ts";
import { previewSms } from "../../domain/sms-preview.ts";
import type { Platform } from "../../platform.ts";
import { authenticate } from "../authenticate.ts";
import { idempotencyHeaderDoc, withIdempotency } from "../idempotency.ts";
import { defineRoute } from "../openapi/registry.ts";
import { broadcastAccepted, smsPreview } from "../openapi/responses.ts";
import { withSendLimit } from "../send-limit.ts";
import { parseInput } from "../validation.ts";

export function registerSmsRoutes(app: FastifyInstance, platform: Platform): void {
  defineRoute(
    app,
    {
      method: "POST",
      path: "/sms",
      summary: "Send an SMS broadcast",
      tags: ["SMS"],
      scopes: ["send_sms"],
      body: sendSmsBody,
      headers: [idempotencyHeaderDoc],
      success: { status: 202, description: "Broadcast accepted", data: broadcastAccepted },
      errors: [400, 401, 402, 403, 404, 409, 413, 415, 429],
    },
    async (request, reply) => {
      const key = await authenticate(platform, request, ["send_sms"]);
      return await withIdempotency(platform, request, reply, key.clientId, async (commit) => {
        const limit = await withSendLimit(platform, reply, key.clientId, "send.sms");
        const body = parseInput(sendSmsBody, request.body);

        const accepted = await createSmsBroadcast(
          platform,
          { clientId: key.clientId, apiKeyId: key.keyId, livemode: !key.test },
          body,
          [limit.consume, commit],
        );
        return { status: 202, body: { data: accepted } };
      });
    },
  );

  defineRoute(
    app,
    {
      method: "POST",
      path: "/sms/preview",
      summary: "Preview an SMS",
      description:
        "Encoding, segments, characters left, whether the `RM0.00 ` prefix was added, " +
        "compliance warnings and the cost per recipient. Creates nothing.",
      tags: ["SMS"],
      scopes: ["send_sms"],
      body: smsPreviewBody,
      success: { status: 200, description: "The preview", data: smsPreview },
      errors: [400, 401, 403, 415],
    },
    async (request) => {
      const key = await authenticate(platform, request, ["send_sms"]);
      const body = parseInput(smsPreviewBody, request.body);

      const client = await loadClient(platform.database.db, key.clientId);
      return { data: previewSms(body, client) };
    },
  );
}

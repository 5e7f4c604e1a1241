import { sendSmsBody, smsPreviewBody } from "@teekrr/shared";
import type { FastifyInstance } from "fastify";
import { loadClient } from "../../domain/api-keys.ts";
import { createSmsBroadcast } from "../../domain/broadcasts/create-sms.ts";
import { previewSms } from "../../domain/sms-preview.ts";
import type { Platform } from "../../platform.ts";
import { authenticate } from "../authenticate.ts";
import { defineRoute } from "../openapi/registry.ts";
import { broadcastAccepted, smsPreview } from "../openapi/responses.ts";
import { defineSendRoute } from "../send-route.ts";
import { parseInput } from "../validation.ts";

export function registerSmsRoutes(app: FastifyInstance, platform: Platform): void {
  defineSendRoute(app, platform, {
    channel: "sms",
    path: "/sms",
    summary: "Send an SMS broadcast",
    tags: ["SMS"],
    body: sendSmsBody,
    accepted: broadcastAccepted,
    errors: [400, 401, 402, 403, 404, 409, 413, 415, 429],
    create: createSmsBroadcast,
  });

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

import { emailBroadcastAccepted, sendEmailBody } from "@teekrr/shared";
import type { FastifyInstance } from "fastify";
import { createEmailBroadcast } from "../../domain/email/create-broadcast.ts";
import type { Platform } from "../../platform.ts";
import { authenticate } from "../authenticate.ts";
import { idempotencyHeaderDoc, withIdempotency } from "../idempotency.ts";
import { defineRoute } from "../openapi/registry.ts";
import { withSendLimit } from "../send-limit.ts";
import { parseInput } from "../validation.ts";

export function registerEmailRoutes(app: FastifyInstance, platform: Platform): void {
  defineRoute(
    app,
    {
      method: "POST",
      path: "/email",
      summary: "Send an email broadcast",
      description:
        "Queues one email per recipient from an approved email template. Suppressed " +
        "addresses are skipped, listed in the response and not charged.",
      tags: ["Sending"],
      scopes: ["send_email"],
      body: sendEmailBody,
      headers: [idempotencyHeaderDoc],
      success: { status: 202, description: "Accepted", data: emailBroadcastAccepted },
      errors: [400, 401, 402, 403, 404, 409, 415, 429],
    },
    async (request, reply) => {
      const key = await authenticate(platform, request, ["send_email"]);
      return await withIdempotency(platform, request, reply, key.clientId, async (commit) => {
        const limit = await withSendLimit(platform, reply, key.clientId, "send.email");
        const body = parseInput(sendEmailBody, request.body);

        const accepted = await createEmailBroadcast(
          platform,
          { clientId: key.clientId, apiKeyId: key.keyId, livemode: !key.test },
          body,
          [limit.consume, commit],
        );
        return { status: 202, body: { data: accepted } };
      });
    },
  );
}

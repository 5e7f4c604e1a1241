import { emailBroadcastAccepted, sendEmailBody } from "@teekrr/shared";
import type { FastifyInstance } from "fastify";
import { createEmailBroadcast } from "../../domain/email/create-broadcast.ts";
import type { Platform } from "../../platform.ts";
import { defineSendRoute } from "../send-route.ts";

export function registerEmailRoutes(app: FastifyInstance, platform: Platform): void {
  defineSendRoute(app, platform, {
    channel: "email",
    path: "/email",
    summary: "Send an email broadcast",
    description:
      "Queues one email per recipient from an approved email template. Suppressed " +
      "addresses are skipped, listed in the response and not charged.",
    tags: ["Sending"],
    body: sendEmailBody,
    accepted: emailBroadcastAccepted,
    errors: [400, 401, 402, 403, 404, 409, 415, 429],
    create: createEmailBroadcast,
  });
}

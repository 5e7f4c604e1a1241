import { AppError } from "@teekrr/shared";
import type { FastifyInstance } from "fastify";
import { z } from "zod";
import { confirmSnsSubscription, createSnsVerifier } from "../../channels/sns-signature.ts";
import type { StoreCallback } from "../../domain/messages/inbox.ts";
import type { Platform } from "../../platform.ts";
import { documentRoute } from "../openapi/registry.ts";
import { callbackReceived } from "../openapi/responses.ts";

/** SNS notifications are small; SES caps the headers it includes well below this. */
const bodyLimit = 256 * 1024;

const snsAnswer = z.union([callbackReceived, z.object({ confirmed: z.literal(true) })]);

/**
 * SES bounces, complaints and deliveries arrive as SNS messages. SNS posts JSON labelled
 * `text/plain`, so this route (alone) reads any body as text and parses it itself. Each
 * message is verified (topic, certificate host, signature) before anything is stored.
 */
export function registerSesCallbackRoutes(
  app: FastifyInstance,
  platform: Platform,
  storeCallback: StoreCallback,
): void {
  const trust = platform.providers.email.notifications;
  const verifier = createSnsVerifier(trust);
  documentRoute(app, {
    method: "POST",
    path: "/callbacks/ses",
    summary: "SES notifications from Amazon SNS",
    description:
      "Bounce, Complaint and Delivery notifications and subscription confirmations, " +
      "verified against the SNS signing certificate. A notification whose `MessageId` was " +
      "already received is acknowledged and ignored. For Amazon SNS, not for clients.",
    tags: ["Provider callbacks"],
    auth: "provider",
    rawBody: true,
    success: { status: 200, description: "Stored or confirmed", data: snsAnswer },
    errors: [400, 403],
  });

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser("*", { parseAs: "string", bodyLimit }, (_request, body, done) => {
      done(null, body);
    });

    scope.post("/callbacks/ses", async (request, reply) => {
      let body: unknown;
      try {
        body = JSON.parse(typeof request.body === "string" ? request.body : "");
      } catch {
        throw new AppError("validation_failed", undefined, [
          { field: "body", message: "Request body is not valid JSON" },
        ]);
      }
      const verdict = await verifier.verify(body);
      if (!verdict.ok) {
        request.log.warn({ reason: verdict.reason }, "sns message refused");
        throw new AppError("forbidden", "Invalid SNS message signature");
      }
      const message = verdict.message;
      const headerType = request.headers["x-amz-sns-message-type"];
      if (headerType !== undefined && headerType !== message.Type) {
        throw new AppError("validation_failed", undefined, [
          { field: "x-amz-sns-message-type", message: "Does not match the message's Type" },
        ]);
      }

      if (message.Type === "SubscriptionConfirmation") {
        const confirmed = await confirmSnsSubscription(message, trust);
        request.log.info(
          { topicArn: message.TopicArn, confirmed },
          "sns subscription confirmation",
        );
        if (!confirmed) throw new AppError("forbidden", "Subscription could not be confirmed");
        return reply.status(200).send({ data: { confirmed: true } });
      }
      if (message.Type === "UnsubscribeConfirmation") {
        request.log.warn({ topicArn: message.TopicArn }, "sns subscription ended");
        return reply.status(200).send({ data: { received: true } });
      }

      // SNS retries a notification with the same MessageId, and a stored copy stays
      // genuinely signed for ever: keyed on it, a notification is applied at most once.
      await storeCallback("ses", message, message.MessageId);
      return reply.status(200).send({ data: { received: true } });
    });
  });
}

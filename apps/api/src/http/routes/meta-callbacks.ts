import { createHmac } from "node:crypto";
import { AppError } from "@teekrr/shared";
import type { FastifyInstance } from "fastify";
import { metaPhoneNumberIds } from "../../channels/meta-statuses.ts";
import { createSecretBox } from "../../domain/encryption.ts";
import type { StoreCallback } from "../../domain/messages/inbox.ts";
import { safeEqual } from "../../domain/secrets.ts";
import { createAppSecretsLookup, isKnownVerifyToken } from "../../domain/whatsapp/sender.ts";
import type { Platform } from "../../platform.ts";
import { documentRoute } from "../openapi/registry.ts";
import { callbackReceived as received } from "../openapi/responses.ts";

const maxWebhookBytes = 1024 * 1024;

interface VerifyQuery {
  "hub.mode"?: string;
  "hub.verify_token"?: string;
  "hub.challenge"?: string;
}

/**
 * Meta's webhook: the `GET` subscription check and signed `POST` notifications. The
 * signature covers the exact bytes Meta sent, so this scope keeps the raw body instead of
 * parsing JSON; a re-serialised body would not match.
 */
export function registerMetaCallbackRoutes(
  app: FastifyInstance,
  platform: Platform,
  storeCallback: StoreCallback,
): void {
  const { db } = platform.database;
  const box = createSecretBox(platform.config.ENCRYPTION_KEY);
  const appSecretsOf = createAppSecretsLookup(db, platform.config, box);

  documentRoute(app, {
    method: "GET",
    path: "/callbacks/meta",
    summary: "Meta webhook subscription check",
    description: "Echoes `hub.challenge` as plain text when `hub.verify_token` is known.",
    tags: ["Provider callbacks"],
    auth: "provider",
    success: { status: 200, description: "The challenge", contentType: "text/plain" },
    errors: [403],
  });
  documentRoute(app, {
    method: "POST",
    path: "/callbacks/meta",
    summary: "WhatsApp status webhooks from Meta",
    description:
      "Signed with `X-Hub-Signature-256` (HMAC-SHA256 of the raw body with the app " +
      "secret). For Meta, not for clients.",
    tags: ["Provider callbacks"],
    auth: "provider",
    rawBody: true,
    success: { status: 200, description: "Stored for processing", data: received },
    errors: [400, 401, 403],
  });

  app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser(
      "*",
      { parseAs: "buffer", bodyLimit: maxWebhookBytes },
      (_request, body, done) => done(null, body),
    );

    scope.get<{ Querystring: VerifyQuery }>("/callbacks/meta", async (request, reply) => {
      const query = request.query;
      const challenge = query["hub.challenge"];
      const token = query["hub.verify_token"];
      const verified =
        query["hub.mode"] === "subscribe" &&
        typeof token === "string" &&
        typeof challenge === "string" &&
        challenge.length > 0 &&
        challenge.length <= 256 &&
        (await isKnownVerifyToken(db, platform.config, token));
      if (!verified) throw new AppError("forbidden", "Webhook verification failed");
      return reply.status(200).type("text/plain; charset=utf-8").send(challenge);
    });

    scope.post("/callbacks/meta", async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
      const header = request.headers["x-hub-signature-256"];
      const presented = typeof header === "string" ? /^sha256=([0-9a-f]{64})$/i.exec(header) : null;
      if (!presented?.[1]) {
        throw new AppError("missing_authorization", "Missing or malformed X-Hub-Signature-256");
      }

      let payload: unknown;
      try {
        payload = JSON.parse(raw.toString("utf8"));
      } catch {
        payload = undefined;
      }
      // The secret that signed must speak for every number the payload names; the report
      // worker then applies each status only to a message sent from its change's number.
      const numbers = metaPhoneNumberIds(payload);
      const secrets = await appSecretsOf(numbers);
      const signature = presented[1].toLowerCase();
      const signed = secrets.some(
        ({ secret, phoneNumberIds }) =>
          (phoneNumberIds === null || numbers.every((number) => phoneNumberIds.has(number))) &&
          safeEqual(createHmac("sha256", secret).update(raw).digest("hex"), signature),
      );
      if (!signed) throw new AppError("forbidden", "Invalid webhook signature");
      if (payload === undefined || payload === null || typeof payload !== "object") {
        throw new AppError("validation_failed", undefined, [
          { field: "body", message: "Request body is not valid JSON" },
        ]);
      }

      await storeCallback("meta", payload);
      return reply.status(200).send({ data: { received: true } });
    });
  });
}

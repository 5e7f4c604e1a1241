import { z } from "zod";

export const webhookEvents = ["delivered", "failed", "billed", "bounced", "read"] as const;
export const webhookEvent = z.enum(webhookEvents);
export type WebhookEvent = z.infer<typeof webhookEvent>;

/** Events an endpoint gets when it names none: every event except the opt-in `read`. */
export const defaultWebhookEvents: WebhookEvent[] = ["delivered", "failed", "billed", "bounced"];

const webhookUrl = z.string().trim().min(1).max(2048);

export const createWebhookEndpointBody = z.strictObject({
  url: webhookUrl,
  events: z.array(webhookEvent).min(1).max(webhookEvents.length).optional(),
  description: z.string().trim().max(200).optional(),
});
export type CreateWebhookEndpointBody = z.infer<typeof createWebhookEndpointBody>;

export const updateWebhookEndpointBody = z
  .strictObject({
    url: webhookUrl.optional(),
    events: z.array(webhookEvent).min(1).max(webhookEvents.length).optional(),
    description: z.string().trim().max(200).nullable().optional(),
    /** Turning an endpoint back on clears the reason it was disabled. */
    active: z.boolean().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, { message: "Nothing to change" });
export type UpdateWebhookEndpointBody = z.infer<typeof updateWebhookEndpointBody>;

export const rotateWebhookSecretBody = z.strictObject({
  /** How long the previous secret keeps signing; 0 stops it at once. */
  graceHours: z.number().min(0).max(168).optional(),
});
export type RotateWebhookSecretBody = z.infer<typeof rotateWebhookSecretBody>;

export const testWebhookBody = z.strictObject({ event: webhookEvent.optional() });
export type TestWebhookBody = z.infer<typeof testWebhookBody>;

export const webhookEndpointView = z.object({
  id: z.uuid(),
  url: z.string(),
  description: z.string().nullable(),
  events: z.array(webhookEvent),
  active: z.boolean(),
  disabledReason: z.string().nullable(),
  disabledAt: z.string().nullable(),
  failingSince: z.string().nullable(),
  previousSecretExpiresAt: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type WebhookEndpointView = z.infer<typeof webhookEndpointView>;

export const webhookSecretView = z.object({
  /** The secret itself; only its SHA-256 is kept, so it cannot be shown again. */
  secret: z.string(),
  /** The signing key in the `whsec_` form that Standard Webhooks libraries take. */
  standardWebhooksSecret: z.string(),
});

export const createdWebhookEndpoint = webhookEndpointView.extend(webhookSecretView.shape);

export const webhookAttemptView = z.object({
  attempt: z.number().int(),
  attemptedAt: z.string(),
  statusCode: z.number().int().nullable(),
  latencyMs: z.number().int(),
  responseExcerpt: z.string().nullable(),
  error: z.string().nullable(),
});

export const webhookDeliveryView = z.object({
  id: z.uuid(),
  endpointId: z.uuid(),
  event: z.string(),
  messageUuid: z.uuid().nullable(),
  status: z.enum(["pending", "succeeded", "failed"]),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  lastStatusCode: z.number().int().nullable(),
  lastError: z.string().nullable(),
  createdAt: z.string(),
  completedAt: z.string().nullable(),
  payload: z.unknown(),
  attemptLog: z.array(webhookAttemptView),
});
export type WebhookDeliveryView = z.infer<typeof webhookDeliveryView>;

const eventData = z.object({
  channel: z.enum(["sms", "whatsapp", "email"]),
  messageUuid: z.uuid(),
  broadcastUuid: z.uuid().nullable(),
  recipient: z.string(),
});

function eventBody<Name extends WebhookEvent, Data extends z.ZodObject>(name: Name, data: Data) {
  return z.object({
    event: z.literal(name),
    timestamp: z.iso.datetime(),
    /** Present and false only for events of sandbox (`tk_test_`) traffic. */
    livemode: z.literal(false).optional(),
    data,
  });
}

/** Webhook bodies as posted to endpoints, one schema per event. */
export const webhookEventBodies = {
  delivered: eventBody("delivered", eventData),
  read: eventBody("read", eventData),
  failed: eventBody(
    "failed",
    eventData.extend({ errorCode: z.string().nullable(), errorMessage: z.string().nullable() }),
  ),
  billed: eventBody(
    "billed",
    eventData.extend({ amount: z.number().int().min(0), currency: z.literal("MYR") }),
  ),
  bounced: eventBody(
    "bounced",
    eventData.extend({
      email: z.string(),
      bounceType: z.enum(["Permanent", "Transient"]),
      bounceSubType: z.string().nullable(),
    }),
  ),
} satisfies Record<WebhookEvent, z.ZodType>;

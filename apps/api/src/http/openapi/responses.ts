import { broadcastStatuses, channels, messageStatuses } from "@teekrr/shared";
import { z } from "zod";

/** Response schemas of the REST API, used only to document it and to test against it. */

export const errorEnvelope = z.object({
  message: z.string(),
  errors: z
    .array(z.object({ field: z.string(), message: z.string() }))
    .optional()
    .describe("Present on 400 validation failures only"),
});

/** A provider callback's acknowledgement; the work happens later, from the inbox. */
export const callbackReceived = z.object({ received: z.literal(true) });

export const broadcastAccepted = z.object({
  broadcastUuid: z.uuid(),
  queued: z.number().int(),
  scheduledAt: z.string().nullable(),
  reserved: z.number().int().describe("Credit held, in sen"),
  duplicates: z.number().int(),
  status: z.enum(["queued", "scheduled"]),
});

export const broadcastView = z.object({
  broadcastUuid: z.uuid(),
  channel: z.enum(channels),
  campaignName: z.string(),
  type: z.string(),
  status: z.enum(broadcastStatuses),
  scheduledAt: z.string().nullable(),
  livemode: z.boolean(),
  recipients: z.number().int(),
  counts: z.record(z.string(), z.number().int()).describe("Messages per status"),
  reserved: z.number().int(),
  settled: z.number().int(),
  released: z.number().int(),
  createdAt: z.string(),
});

export const messageView = z.object({
  messageUuid: z.uuid(),
  broadcastUuid: z.uuid(),
  channel: z.string(),
  recipient: z.string(),
  content: z.string().nullable(),
  segments: z.number().int(),
  price: z.number().int(),
  status: z.enum(messageStatuses),
  billing: z.string(),
  providerMessageId: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  history: z.array(
    z.object({ status: z.enum(messageStatuses), at: z.string(), detail: z.unknown() }),
  ),
});

export const broadcastMessageItem = z.object({
  messageUuid: z.uuid(),
  recipient: z.string(),
  status: z.enum(messageStatuses),
  segments: z.number().int(),
  price: z.number().int(),
  billing: z.string(),
  providerMessageId: z.string().nullable(),
  errorCode: z.string().nullable(),
  errorMessage: z.string().nullable(),
  createdAt: z.string(),
  updatedAt: z.string().nullable(),
});

export const smsPreview = z.object({
  text: z.string().describe("The text as sent, prefix and keyword included"),
  encoding: z.enum(["GSM-7", "UCS-2"]),
  characters: z.number().int(),
  segments: z.number().int(),
  charactersPerSegment: z.number().int(),
  charactersLeft: z.number().int(),
  prefixApplied: z.boolean(),
  warnings: z.array(
    z.object({
      code: z.enum(["contains_url", "contains_phone_number", "missing_brand"]),
      message: z.string(),
    }),
  ),
  costPerRecipient: z.number().int().describe("In sen"),
  currency: z.literal("MYR"),
});

export const balanceView = z.object({
  billing: z.enum(["prepaid", "postpaid"]),
  currency: z.literal("MYR"),
  available: z.number().int(),
  reserved: z.number().int(),
  spendingCap: z.number().int().nullable(),
  accruedThisCycle: z.number().int().nullable(),
});

export const ratesView = z.object({
  currency: z.literal("MYR"),
  sms: z.object({ perSegment: z.number().int() }),
  whatsapp: z.object({ perMessage: z.number().int() }),
  email: z.object({ perMessage: z.number().int() }),
});

export const usageItem = z.object({
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  latencyMs: z.number().int(),
  keyId: z.uuid().nullable(),
  requestId: z.string(),
  at: z.string(),
});

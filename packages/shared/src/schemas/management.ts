import { z } from "zod";
import { channels, messageStatuses } from "../channels.ts";

/** `limit` and the opaque `cursor` of every list endpoint. */
export const pageQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  cursor: z.string().min(1).max(200).optional(),
});
export type PageQuery = z.infer<typeof pageQuery>;

export const broadcastMessagesQuery = pageQuery.extend({
  status: z.enum(messageStatuses).optional(),
});
export type BroadcastMessagesQuery = z.infer<typeof broadcastMessagesQuery>;

/** A page of items and the cursor of the next page, null on the last. */
export function pageOf<Item extends z.ZodType>(item: Item) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() });
}

export const validateRecipientsBody = z.strictObject({
  channel: z.enum(channels),
  recipients: z.array(z.string().max(320)).min(1).max(100_000),
});
export type ValidateRecipientsBody = z.infer<typeof validateRecipientsBody>;

export const recipientValidation = z.object({
  summary: z.object({
    total: z.number().int(),
    valid: z.number().int(),
    invalid: z.number().int(),
  }),
  valid: z.array(z.object({ row: z.number().int(), value: z.string() })),
  invalid: z.array(
    z.object({ row: z.number().int(), value: z.string(), code: z.string(), message: z.string() }),
  ),
});
export type RecipientValidation = z.infer<typeof recipientValidation>;

import { z } from "zod";
import {
  broadcastType,
  campaignName,
  checkBroadcastShape,
  maxRecipientsCeiling,
  recipientRow,
  scheduledAt,
} from "./common.ts";
import { pageQuery } from "./management.ts";

export const sendEmailBody = z
  .object({
    campaignName,
    type: broadcastType,
    scheduledAt,
    templateName: z.string().min(1).max(512),
    subject: z.string().trim().min(1).max(200),
    recipients: z.array(z.string().max(320)).max(maxRecipientsCeiling).optional(),
    recipientVariables: z.array(recipientRow("email")).max(maxRecipientsCeiling).optional(),
  })
  .superRefine((body, context) => {
    checkBroadcastShape(body, context);
  });
export type SendEmailBody = z.infer<typeof sendEmailBody>;

export const suppressionReason = z.enum(["bounce", "complaint", "manual"]);
export type SuppressionReason = z.infer<typeof suppressionReason>;

export const createSuppressionBody = z.object({
  email: z.string().trim().min(3).max(320),
});
export type CreateSuppressionBody = z.infer<typeof createSuppressionBody>;

export const deleteSuppressionQuery = z.object({
  email: z.string().trim().min(3).max(320),
});
export type DeleteSuppressionQuery = z.infer<typeof deleteSuppressionQuery>;

export const listSuppressionsQuery = pageQuery.extend({
  reason: suppressionReason.optional(),
});
export type ListSuppressionsQuery = z.infer<typeof listSuppressionsQuery>;

export const suppressionView = z.object({
  email: z.string(),
  reason: suppressionReason,
  messageUuid: z.string().nullable(),
  detail: z.string().nullable(),
  createdAt: z.string(),
});
export type SuppressionView = z.infer<typeof suppressionView>;

export const emailBroadcastAccepted = z.object({
  broadcastUuid: z.string(),
  queued: z.number().int(),
  scheduledAt: z.string().nullable(),
  reserved: z.number().int(),
  duplicates: z.number().int(),
  status: z.enum(["queued", "scheduled"]),
  suppressed: z.number().int().describe("Recipients skipped because they are suppressed"),
  suppressedRecipients: z
    .array(z.string())
    .describe("The suppressed addresses, at most the first 100"),
});

import { z } from "zod";
import { smsContentMaxLength } from "../sms.ts";
import {
  broadcastType,
  campaignName,
  checkBroadcastShape,
  maxRecipientsCeiling,
  recipientRow,
  scheduledAt,
} from "./common.ts";

export const sendSmsBody = z
  .object({
    campaignName,
    type: broadcastType,
    scheduledAt,
    templateName: z.string().min(1).max(512).optional(),
    templateContent: z.string().min(1).max(smsContentMaxLength).optional(),
    keyword: z.string().trim().min(1).max(10).optional(),
    recipients: z.array(z.string().max(64)).max(maxRecipientsCeiling).optional(),
    recipientVariables: z.array(recipientRow("phone")).max(maxRecipientsCeiling).optional(),
  })
  .superRefine((body, context) => {
    if ((body.templateName === undefined) === (body.templateContent === undefined)) {
      context.addIssue({
        code: "custom",
        path: [body.templateName === undefined ? "templateName" : "templateContent"],
        message: "Provide exactly one of templateName or templateContent",
      });
    }
    checkBroadcastShape(body, context);
  });
export type SendSmsBody = z.infer<typeof sendSmsBody>;

export const smsPreviewBody = z.object({
  content: z.string().min(1).max(2000),
  keyword: z.string().trim().min(1).max(10).optional(),
  brand: z.string().max(100).optional(),
});
export type SmsPreviewBody = z.infer<typeof smsPreviewBody>;

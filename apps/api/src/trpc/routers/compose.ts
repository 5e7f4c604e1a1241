import { channels, sendSmsBody } from "@teekrr/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { createSmsBroadcast } from "../../domain/broadcasts/create-sms.ts";
import { validateRecipients } from "../../domain/broadcasts/validate-recipients.ts";
import { estimateSmsBroadcast } from "../../domain/console/sms-estimate.ts";
import { parseInput } from "../../http/validation.ts";
import { operatorProcedure } from "../procedures.ts";
import { composeEmailRouter } from "./compose-email.ts";
import { auditBroadcast, consoleCaller, recipientRows, scheduledAt } from "./compose-shared.ts";
import { composeWhatsAppRouter } from "./compose-whatsapp.ts";

const smsContent = z.object({
  content: z.string().max(2000).optional(),
  templateName: z.string().max(512).optional(),
  keyword: z.string().trim().max(10).optional(),
});

export const composeRouter = {
  previewSms: operatorProcedure
    .input(smsContent.extend({ recipients: recipientRows }))
    .query(async ({ ctx, input }) => {
      return await estimateSmsBroadcast(ctx.platform.database.db, ctx.clientId, input);
    }),

  /** The row check of `POST /broadcasts/validate`, for any channel. */
  validateRecipients: operatorProcedure
    .input(
      z.object({
        channel: z.enum(channels),
        recipients: z.array(z.string().max(320)).max(100_000),
      }),
    )
    .mutation(({ input }) => validateRecipients(input.channel, input.recipients)),

  testSms: operatorProcedure
    .input(smsContent.extend({ phone: z.string().max(64) }))
    .mutation(async ({ ctx, input }) => {
      const body = parseInput(sendSmsBody, {
        campaignName: "Test send",
        type: "quick broadcast",
        templateName: input.templateName || undefined,
        templateContent: input.templateName ? undefined : input.content,
        keyword: input.keyword || undefined,
        recipients: [input.phone],
      });
      const accepted = await createSmsBroadcast(ctx.platform, consoleCaller(ctx.clientId), body);
      await auditBroadcast(ctx, "broadcast.test_send", accepted.broadcastUuid, {
        channel: "sms",
        reserved: accepted.reserved,
      });
      return accepted;
    }),

  sendSms: operatorProcedure
    .input(
      smsContent.extend({
        campaignName: z.string().max(255),
        recipients: recipientRows,
        scheduledAt,
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const body = parseInput(sendSmsBody, {
        campaignName: input.campaignName,
        type: input.scheduledAt ? "schedule broadcast" : "quick broadcast",
        scheduledAt: input.scheduledAt,
        templateName: input.templateName || undefined,
        templateContent: input.templateName ? undefined : input.content,
        keyword: input.keyword || undefined,
        recipientVariables: input.recipients,
      });
      const accepted = await createSmsBroadcast(ctx.platform, consoleCaller(ctx.clientId), body);
      await auditBroadcast(ctx, "broadcast.create", accepted.broadcastUuid, {
        channel: "sms",
        campaignName: input.campaignName,
        queued: accepted.queued,
        reserved: accepted.reserved,
        scheduledAt: accepted.scheduledAt,
      });
      return accepted;
    }),

  ...composeWhatsAppRouter,
  ...composeEmailRouter,
} satisfies TRPCRouterRecord;

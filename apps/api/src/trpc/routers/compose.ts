import { sendSmsBody } from "@teekrr/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../../domain/audit.ts";
import type { Caller } from "../../domain/broadcasts/caller.ts";
import { createSmsBroadcast } from "../../domain/broadcasts/create-sms.ts";
import { checkSmsRecipients, estimateSmsBroadcast } from "../../domain/broadcasts/sms-estimate.ts";
import { parseInput } from "../../http/validation.ts";
import { operatorProcedure } from "../procedures.ts";
import { composeChannelsRouter } from "./compose-channels.ts";

const recipientRows = z.array(z.record(z.string(), z.string().max(1000))).max(100_000);

const smsContent = z.object({
  content: z.string().max(2000).optional(),
  templateName: z.string().max(512).optional(),
  keyword: z.string().trim().max(10).optional(),
});

/** Console sends are live: they use the real gateways and are charged. */
function consoleCaller(clientId: string): Caller {
  return { clientId, apiKeyId: null, livemode: true };
}

export const composeRouter = {
  previewSms: operatorProcedure
    .input(smsContent.extend({ recipients: recipientRows }))
    .query(async ({ ctx, input }) => {
      return await estimateSmsBroadcast(ctx.platform.database.db, ctx.clientId, input);
    }),

  validateRecipients: operatorProcedure
    .input(z.object({ recipients: recipientRows }))
    .mutation(({ input }) => {
      const { list, invalid, duplicates } = checkSmsRecipients(input.recipients);
      return {
        summary: { total: input.recipients.length, valid: list.recipients.length },
        valid: list.recipients.map((recipient) => ({
          row: recipient.row + 1,
          value: recipient.address,
        })),
        invalid,
        duplicates,
      };
    }),

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
      await recordAudit(ctx.platform.database.db, ctx.actor, {
        clientId: ctx.clientId,
        action: "broadcast.test_send",
        targetType: "broadcast",
        targetId: accepted.broadcastUuid,
        after: { channel: "sms", reserved: accepted.reserved },
      });
      return accepted;
    }),

  sendSms: operatorProcedure
    .input(
      smsContent.extend({
        campaignName: z.string().max(255),
        recipients: recipientRows,
        scheduledAt: z.iso.datetime({ offset: true }).optional(),
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
      await recordAudit(ctx.platform.database.db, ctx.actor, {
        clientId: ctx.clientId,
        action: "broadcast.create",
        targetType: "broadcast",
        targetId: accepted.broadcastUuid,
        after: {
          channel: "sms",
          campaignName: input.campaignName,
          queued: accepted.queued,
          reserved: accepted.reserved,
          scheduledAt: accepted.scheduledAt,
        },
      });
      return accepted;
    }),

  ...composeChannelsRouter,
} satisfies TRPCRouterRecord;

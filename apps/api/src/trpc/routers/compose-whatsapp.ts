import { sendWhatsappBody, whatsappTestBody, whatsappVariables } from "@teekrr/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../../domain/audit.ts";
import {
  estimateWhatsAppBroadcast,
  listSendableWhatsAppTemplates,
} from "../../domain/console/whatsapp-estimate.ts";
import { consumeRateLimit, peekRateLimit } from "../../domain/rate-limit.ts";
import { createWhatsAppBroadcast } from "../../domain/whatsapp/create-broadcast.ts";
import { sendWhatsAppTest } from "../../domain/whatsapp/test-send.ts";
import { sendRule } from "../../http/send-limit.ts";
import { parseInput } from "../../http/validation.ts";
import { operatorProcedure } from "../procedures.ts";
import { auditBroadcast, channelBody, consoleCaller, recipientRows } from "./compose-shared.ts";

/** WhatsApp broadcasts from the console, through the same domain calls as REST. */
export const composeWhatsAppRouter = {
  whatsappTemplates: operatorProcedure.query(async ({ ctx }) => {
    return await listSendableWhatsAppTemplates(ctx.platform, ctx.clientId);
  }),

  previewWhatsapp: operatorProcedure
    .input(
      z.object({
        templateName: z.string().min(1).max(512),
        variables: whatsappVariables.default({}),
        recipients: recipientRows,
      }),
    )
    .query(async ({ ctx, input }) => {
      return await estimateWhatsAppBroadcast(ctx.platform, ctx.clientId, input);
    }),

  /** Free and immediate, and limited per client exactly as `POST /whatsapp/test` is. */
  testWhatsapp: operatorProcedure.input(channelBody).mutation(async ({ ctx, input }) => {
    const body = parseInput(whatsappTestBody, input.body);
    const rule = sendRule(ctx.platform, "whatsapp.test");
    await peekRateLimit(ctx.platform.database.db, ctx.clientId, rule);

    const sent = await sendWhatsAppTest(ctx.platform, consoleCaller(ctx.clientId), body, [
      async ({ tx }) => {
        await consumeRateLimit(tx, ctx.clientId, rule);
      },
    ]);
    await recordAudit(ctx.platform.database.db, ctx.actor, {
      clientId: ctx.clientId,
      action: "broadcast.test_send",
      targetType: "message",
      targetId: sent.messageUuid,
      after: { channel: "whatsapp", templateName: body.templateName },
    });
    return sent;
  }),

  sendWhatsapp: operatorProcedure.input(channelBody).mutation(async ({ ctx, input }) => {
    const body = parseInput(sendWhatsappBody, input.body);

    const accepted = await createWhatsAppBroadcast(ctx.platform, consoleCaller(ctx.clientId), body);
    await auditBroadcast(ctx, "broadcast.create", accepted.broadcastUuid, {
      channel: "whatsapp",
      campaignName: body.campaignName,
      templateName: body.templateName,
      queued: accepted.queued,
      reserved: accepted.reserved,
      scheduledAt: accepted.scheduledAt,
    });
    return accepted;
  }),
} satisfies TRPCRouterRecord;

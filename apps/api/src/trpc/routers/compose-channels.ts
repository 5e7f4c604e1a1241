import { sendEmailBody, sendWhatsappBody } from "@teekrr/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { recordAudit } from "../../domain/audit.ts";
import { createEmailBroadcast } from "../../domain/email/create-broadcast.ts";
import { createWhatsAppBroadcast } from "../../domain/whatsapp/create-broadcast.ts";
import { parseInput } from "../../http/validation.ts";
import { operatorProcedure } from "../procedures.ts";

/** The REST body of the channel, passed through whole and validated by the same schema. */
const channelBody = z.object({ body: z.record(z.string(), z.unknown()) });

/** WhatsApp and email broadcasts from the console, through the same domain calls as REST. */
export const composeChannelsRouter = {
  sendWhatsapp: operatorProcedure.input(channelBody).mutation(async ({ ctx, input }) => {
    const body = parseInput(sendWhatsappBody, input.body);
    const caller = { clientId: ctx.clientId, apiKeyId: null, livemode: true };
    const accepted = await createWhatsAppBroadcast(ctx.platform, caller, body);
    await recordAudit(ctx.platform.database.db, ctx.actor, {
      clientId: ctx.clientId,
      action: "broadcast.create",
      targetType: "broadcast",
      targetId: accepted.broadcastUuid,
      after: { channel: "whatsapp", queued: accepted.queued, reserved: accepted.reserved },
    });
    return accepted;
  }),

  sendEmail: operatorProcedure.input(channelBody).mutation(async ({ ctx, input }) => {
    const body = parseInput(sendEmailBody, input.body);
    const caller = { clientId: ctx.clientId, apiKeyId: null, livemode: true };
    const accepted = await createEmailBroadcast(ctx.platform, caller, body);
    await recordAudit(ctx.platform.database.db, ctx.actor, {
      clientId: ctx.clientId,
      action: "broadcast.create",
      targetType: "broadcast",
      targetId: accepted.broadcastUuid,
      after: { channel: "email", queued: accepted.queued, reserved: accepted.reserved },
    });
    return accepted;
  }),
} satisfies TRPCRouterRecord;

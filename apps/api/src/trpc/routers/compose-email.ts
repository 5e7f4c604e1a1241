import { sendEmailBody } from "@teekrr/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  estimateEmailBroadcast,
  listSendableEmailTemplates,
} from "../../domain/console/email-estimate.ts";
import { createEmailBroadcast } from "../../domain/email/create-broadcast.ts";
import { parseInput } from "../../http/validation.ts";
import { operatorProcedure } from "../procedures.ts";
import { auditBroadcast, channelBody, consoleCaller, recipientRows } from "./compose-shared.ts";

/** Email broadcasts from the console, through the same domain calls as REST. */
export const composeEmailRouter = {
  emailTemplates: operatorProcedure.query(async ({ ctx }) => {
    return await listSendableEmailTemplates(ctx.platform, ctx.clientId);
  }),

  previewEmail: operatorProcedure
    .input(
      z.object({
        templateName: z.string().min(1).max(512),
        subject: z.string().max(200),
        recipients: recipientRows,
      }),
    )
    .query(async ({ ctx, input }) => {
      return await estimateEmailBroadcast(ctx.platform, ctx.clientId, input);
    }),

  sendEmail: operatorProcedure.input(channelBody).mutation(async ({ ctx, input }) => {
    const body = parseInput(sendEmailBody, input.body);

    const accepted = await createEmailBroadcast(ctx.platform, consoleCaller(ctx.clientId), body);
    await auditBroadcast(ctx, "broadcast.create", accepted.broadcastUuid, {
      channel: "email",
      campaignName: body.campaignName,
      templateName: body.templateName,
      queued: accepted.queued,
      suppressed: accepted.suppressed,
      reserved: accepted.reserved,
      scheduledAt: accepted.scheduledAt,
    });
    return accepted;
  }),
} satisfies TRPCRouterRecord;

import type { SendEmailBody } from "@teekrr/shared";
import type { Platform } from "../../platform.ts";
import { acceptBroadcast, listRecipients } from "../broadcasts/accept.ts";
import type { BroadcastAccepted, Caller, TransactionStep } from "../broadcasts/caller.ts";
import { emailDetails, planEmailMessages } from "./content.ts";
import { resolveEmailSender } from "./senders.ts";
import { findSuppressed } from "./suppressions.ts";
import { findApprovedEmailTemplate } from "./templates.ts";

/** At most this many suppressed addresses are listed in a response; the count is exact. */
const listedSuppressions = 100;

export interface EmailBroadcastAccepted extends BroadcastAccepted {
  suppressed: number;
  suppressedRecipients: string[];
}

/**
 * Accepts an email broadcast: resolves the template and sender, drops suppressed
 * addresses (they are neither queued nor charged), prices, then commits everything at once.
 */
export async function createEmailBroadcast(
  platform: Platform,
  caller: Caller,
  body: SendEmailBody,
  steps: TransactionStep[] = [],
): Promise<EmailBroadcastAccepted> {
  const { db } = platform.database;
  const { accepted, prepared } = await acceptBroadcast(
    platform,
    caller,
    { channel: "email", body, steps },
    async (client) => {
      const template = await findApprovedEmailTemplate(db, client.id, body.templateName);
      const sender = await resolveEmailSender(db, client.id, {
        platformDefault: platform.config.SES_DEFAULT_FROM,
        emulated: !caller.livemode || platform.providers.email.liveIsEmulator,
      });
      const list = listRecipients("email", body);

      const suppressedSet = await findSuppressed(
        db,
        client.id,
        list.recipients.map((recipient) => recipient.address),
      );
      const sendable = list.recipients.filter((recipient) => !suppressedSet.has(recipient.address));
      const suppressed = list.recipients
        .filter((recipient) => suppressedSet.has(recipient.address))
        .map((recipient) => recipient.address);

      return {
        templateId: template.id,
        content: template.text,
        details: { ...emailDetails(template, body.subject, sender) },
        messages: planEmailMessages(sendable, client.emailRate),
        duplicates: list.duplicates,
        suppressed,
      };
    },
  );
  return {
    ...accepted,
    suppressed: prepared.suppressed.length,
    suppressedRecipients: prepared.suppressed.slice(0, listedSuppressions),
  };
}

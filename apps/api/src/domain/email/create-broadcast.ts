import { AppError, formatRinggit, type SendEmailBody } from "@teekrr/shared";
import type { Platform } from "../../platform.ts";
import { loadClient } from "../api-keys.ts";
import type { BroadcastAccepted, Caller, TransactionStep } from "../broadcasts/caller.ts";
import { checkRecipientLimit, requireChannel } from "../broadcasts/checks.ts";
import { persistBroadcast } from "../broadcasts/persist.ts";
import { prepareRecipients } from "../recipients.ts";
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
  const client = await loadClient(db, caller.clientId);
  requireChannel(client, "email");
  checkRecipientLimit(platform, body);

  const template = await findApprovedEmailTemplate(db, client.id, body.templateName);
  const sender = await resolveEmailSender(db, client.id, {
    platformDefault: platform.config.SES_DEFAULT_FROM,
    emulated: !caller.livemode || platform.providers.email.liveIsEmulator,
  });
  const list = body.recipients
    ? prepareRecipients({ kind: "list", items: body.recipients }, "email")
    : prepareRecipients(
        { kind: "rows", items: body.recipientVariables ?? [], addressField: "email" },
        "email",
      );
  if (list.errors.length > 0) throw new AppError("validation_failed", undefined, list.errors);

  const suppressedSet = await findSuppressed(
    db,
    client.id,
    list.recipients.map((recipient) => recipient.address),
  );
  const sendable = list.recipients.filter((recipient) => !suppressedSet.has(recipient.address));
  const suppressed = list.recipients
    .filter((recipient) => suppressedSet.has(recipient.address))
    .map((recipient) => recipient.address);

  const messages = planEmailMessages(sendable, client.emailRate);
  const cost = messages.reduce((sum, message) => sum + message.price, 0);
  if (caller.livemode && client.billing === "prepaid" && client.creditBalance < cost) {
    // Refused before any write; the guarded reservation still decides under concurrency.
    throw new AppError(
      "insufficient_credit",
      `Insufficient credit. Required: ${formatRinggit(cost)}, available: ${formatRinggit(client.creditBalance)}`,
    );
  }

  const scheduledAt =
    body.type === "schedule broadcast" && body.scheduledAt ? new Date(body.scheduledAt) : null;
  const persisted = await platform.database.transaction(async (scope) => {
    const result = await persistBroadcast(platform, scope, {
      clientId: client.id,
      channel: "email",
      campaignName: body.campaignName,
      type: body.type,
      scheduledAt,
      templateId: template.id,
      keyword: null,
      content: template.text,
      details: { ...emailDetails(template, body.subject, sender) },
      livemode: caller.livemode,
      apiKeyId: caller.apiKeyId,
      messages,
    });
    for (const step of steps) await step(scope);
    return result;
  });

  return {
    broadcastUuid: persisted.broadcastId,
    queued: persisted.queued,
    scheduledAt: persisted.scheduledAt?.toISOString() ?? null,
    reserved: persisted.reserved,
    duplicates: list.duplicates,
    status: scheduledAt ? "scheduled" : "queued",
    suppressed: suppressed.length,
    suppressedRecipients: suppressed.slice(0, listedSuppressions),
  };
}

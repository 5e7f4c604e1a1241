import { AppError, formatRinggit, type SendSmsBody } from "@teekrr/shared";
import type { Platform } from "../../platform.ts";
import { loadClient } from "../api-keys.ts";
import { prepareRecipients } from "../recipients.ts";
import type { BroadcastAccepted, Caller, TransactionStep } from "./caller.ts";
import { checkRecipientLimit, requireChannel } from "./checks.ts";
import { persistBroadcast } from "./persist.ts";
import { findApprovedSmsTemplate, findKeyword, renderSmsMessages } from "./sms-content.ts";

/** Accepts an SMS broadcast: resolves, normalises, prices, then commits everything at once. */
export async function createSmsBroadcast(
  platform: Platform,
  caller: Caller,
  body: SendSmsBody,
  steps: TransactionStep[] = [],
): Promise<BroadcastAccepted> {
  const { db } = platform.database;
  const client = await loadClient(db, caller.clientId);
  requireChannel(client, "sms");
  checkRecipientLimit(platform, body);

  const template = body.templateName
    ? await findApprovedSmsTemplate(db, client.id, body.templateName)
    : null;
  const keyword = body.keyword ? (await findKeyword(db, client.id, body.keyword)).keyword : null;
  const list = body.recipients
    ? prepareRecipients({ kind: "list", items: body.recipients }, "sms")
    : prepareRecipients(
        { kind: "rows", items: body.recipientVariables ?? [], addressField: "phone" },
        "sms",
      );
  if (list.errors.length > 0) throw new AppError("validation_failed", undefined, list.errors);

  const content = template?.content ?? body.templateContent ?? "";
  const rendered = renderSmsMessages(content, keyword, list.recipients, client.smsRate);
  const cost = rendered.messages.reduce((sum, message) => sum + message.price, 0);
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
      channel: "sms",
      campaignName: body.campaignName,
      type: body.type,
      scheduledAt,
      templateId: template?.id ?? null,
      keyword,
      content: rendered.shared,
      details: {},
      livemode: caller.livemode,
      apiKeyId: caller.apiKeyId,
      messages: rendered.messages,
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
  };
}

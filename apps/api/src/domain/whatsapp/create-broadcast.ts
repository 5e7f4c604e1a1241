import { AppError, formatRinggit, type SendWhatsappBody } from "@teekrr/shared";
import type { Platform } from "../../platform.ts";
import { loadClient } from "../api-keys.ts";
import type { BroadcastAccepted, Caller, TransactionStep } from "../broadcasts/caller.ts";
import { checkRecipientLimit, requireChannel } from "../broadcasts/checks.ts";
import { persistBroadcast } from "../broadcasts/persist.ts";
import { prepareRecipients } from "../recipients.ts";
import type { MetaComponent } from "./components.ts";
import { renderWhatsAppMessages } from "./render.ts";
import { resolveSender, type SenderRef } from "./sender.ts";
import { findSendableTemplate } from "./templates.ts";

/** What a WhatsApp send job needs from its broadcast, kept in `broadcasts.details`. */
export interface WhatsAppBroadcastDetails {
  templateName: string;
  language: string;
  sender: SenderRef;
  /** Null when every message carries its own components. */
  components: MetaComponent[] | null;
}

/** Accepts a WhatsApp template broadcast: resolves, fills, prices, then commits at once. */
export async function createWhatsAppBroadcast(
  platform: Platform,
  caller: Caller,
  body: SendWhatsappBody,
  steps: TransactionStep[] = [],
): Promise<BroadcastAccepted> {
  const { db } = platform.database;
  const client = await loadClient(db, caller.clientId);
  requireChannel(client, "whatsapp");
  checkRecipientLimit(platform, body);

  const template = await findSendableTemplate(db, client.id, body.templateName);
  const sender = await resolveSender(db, platform.config, client.id);
  const list = body.recipients
    ? prepareRecipients({ kind: "list", items: body.recipients }, "whatsapp")
    : prepareRecipients(
        { kind: "rows", items: body.recipientVariables ?? [], addressField: "phone" },
        "whatsapp",
      );
  if (list.errors.length > 0) throw new AppError("validation_failed", undefined, list.errors);

  const rendered = renderWhatsAppMessages(
    template,
    body.variables ?? {},
    list.recipients,
    client.whatsappRate,
  );
  if (rendered.errors.length > 0) {
    throw new AppError("validation_failed", undefined, rendered.errors);
  }
  const cost = rendered.messages.reduce((sum, message) => sum + message.price, 0);
  if (caller.livemode && client.billing === "prepaid" && client.creditBalance < cost) {
    // Refused before any write; the guarded reservation still decides under concurrency.
    throw new AppError(
      "insufficient_credit",
      `Insufficient credit. Required: ${formatRinggit(cost)}, ` +
        `available: ${formatRinggit(client.creditBalance)}`,
    );
  }

  const details: WhatsAppBroadcastDetails = {
    templateName: template.name,
    language: template.details.language,
    sender,
    components: rendered.sharedComponents,
  };
  const scheduledAt =
    body.type === "schedule broadcast" && body.scheduledAt ? new Date(body.scheduledAt) : null;
  const persisted = await platform.database.transaction(async (scope) => {
    const result = await persistBroadcast(platform, scope, {
      clientId: client.id,
      channel: "whatsapp",
      campaignName: body.campaignName,
      type: body.type,
      scheduledAt,
      templateId: template.id,
      keyword: null,
      content: rendered.sharedText,
      details: details as unknown as Record<string, unknown>,
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

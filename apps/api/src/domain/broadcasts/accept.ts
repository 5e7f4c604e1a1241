import { AppError, type Channel } from "@teekrr/shared";
import type { Platform } from "../../platform.ts";
import { loadClient } from "../api-keys.ts";
import { insufficientCredit } from "../ledger.ts";
import { prepareRecipients, type RecipientList } from "../recipients.ts";
import type { BroadcastAccepted, Caller, TransactionStep } from "./caller.ts";
import { checkRecipientLimit, requireChannel } from "./checks.ts";
import { type NewMessage, persistBroadcast } from "./persist.ts";

export type SendingClient = Awaited<ReturnType<typeof loadClient>>;

/** The fields every broadcast request has, whatever its channel. */
export interface BroadcastRequest {
  campaignName: string;
  type: "quick broadcast" | "schedule broadcast";
  scheduledAt?: string | null | undefined;
  recipients?: string[] | undefined;
  recipientVariables?: Record<string, string>[] | undefined;
}

/** What a channel made of a request: priced messages and what its send jobs need. */
export interface ChannelBroadcast {
  templateId: string | null;
  keyword?: string | null;
  content: string | null;
  details?: Record<string, unknown>;
  messages: NewMessage[];
  duplicates: number;
}

/** Normalises and de-duplicates a request's recipients; any invalid one is a 400 by row. */
export function listRecipients(channel: Channel, body: BroadcastRequest): RecipientList {
  const list = body.recipients
    ? prepareRecipients({ kind: "list", items: body.recipients }, channel)
    : prepareRecipients(
        {
          kind: "rows",
          items: body.recipientVariables ?? [],
          addressField: channel === "email" ? "email" : "phone",
        },
        channel,
      );
  if (list.errors.length > 0) throw new AppError("validation_failed", undefined, list.errors);
  return list;
}

/**
 * Accepts a broadcast of any channel. The client and its subscription are checked first;
 * `prepare` then does the channel's own work (templates, sender, recipients, rendering,
 * prices) and may refuse with an `AppError`. The broadcast, its messages, its reservation,
 * its jobs and `steps` commit in one transaction, so a refusal at any point writes nothing.
 * `prepared` is handed back for channels that report more than the common fields.
 */
export async function acceptBroadcast<Prepared extends ChannelBroadcast>(
  platform: Platform,
  caller: Caller,
  request: { channel: Channel; body: BroadcastRequest; steps: TransactionStep[] },
  prepare: (client: SendingClient) => Promise<Prepared>,
): Promise<{ accepted: BroadcastAccepted; prepared: Prepared }> {
  const { channel, body, steps } = request;
  const client = await loadClient(platform.database.db, caller.clientId);
  requireChannel(client, channel);
  checkRecipientLimit(platform, body);

  const prepared = await prepare(client);

  const cost = prepared.messages.reduce((sum, message) => sum + message.price, 0);
  if (caller.livemode && client.billing === "prepaid" && client.creditBalance < cost) {
    // Refused before any write; the guarded reservation still decides under concurrency.
    throw insufficientCredit(cost, client.creditBalance);
  }

  const scheduledAt =
    body.type === "schedule broadcast" && body.scheduledAt ? new Date(body.scheduledAt) : null;
  const persisted = await platform.database.transaction(async (scope) => {
    const result = await persistBroadcast(platform, scope, {
      clientId: client.id,
      channel,
      campaignName: body.campaignName,
      type: body.type,
      scheduledAt,
      templateId: prepared.templateId,
      keyword: prepared.keyword ?? null,
      content: prepared.content,
      details: prepared.details ?? {},
      livemode: caller.livemode,
      apiKeyId: caller.apiKeyId,
      messages: prepared.messages,
    });
    for (const step of steps) await step(scope);
    return result;
  });

  const accepted: BroadcastAccepted = {
    broadcastUuid: persisted.broadcastId,
    queued: persisted.queued,
    scheduledAt: persisted.scheduledAt?.toISOString() ?? null,
    reserved: persisted.reserved,
    duplicates: prepared.duplicates,
    status: scheduledAt ? "scheduled" : "queued",
  };
  return { accepted, prepared };
}

import { randomUUID } from "node:crypto";
import type { TransactionScope } from "@teekrr/db";
import type { Channel } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { enqueueInTransaction } from "../../jobs/enqueue.ts";
import { type QueueName, queues } from "../../jobs/queues.ts";
import type { Platform } from "../../platform.ts";
import { reserveCredit } from "../ledger.ts";

export interface NewMessage {
  recipient: string;
  /** Null when the message uses the broadcast's shared content. */
  content: string | null;
  variables: Record<string, unknown> | null;
  segments: number;
  price: number;
}

export interface NewBroadcast {
  clientId: string;
  channel: Channel;
  campaignName: string;
  type: "quick broadcast" | "schedule broadcast";
  scheduledAt: Date | null;
  templateId: string | null;
  keyword: string | null;
  content: string | null;
  details: Record<string, unknown>;
  livemode: boolean;
  apiKeyId: string | null;
  messages: NewMessage[];
}

export interface PersistedBroadcast {
  broadcastId: string;
  queued: number;
  reserved: number;
  scheduledAt: Date | null;
}

const sendQueues: Record<Channel, QueueName> = {
  sms: queues.sendSms,
  whatsapp: queues.sendWhatsapp,
  email: queues.sendEmail,
};

/**
 * Writes a broadcast, its messages, its reservation and its jobs in the caller's
 * transaction. Messages go in first and the credit is reserved last, so the client row
 * is locked only for the moment before commit rather than for the whole bulk insert.
 */
export async function persistBroadcast(
  platform: Platform,
  scope: TransactionScope,
  input: NewBroadcast,
): Promise<PersistedBroadcast> {
  const broadcastId = randomUUID();
  const chunkSize = platform.config.SEND_CHUNK_SIZE;
  const reserved = input.livemode ? input.messages.reduce((sum, m) => sum + m.price, 0) : 0;
  const scheduled = input.type === "schedule broadcast";

  await scope.tx.execute(sql`
    INSERT INTO broadcasts (client_id, id, channel, campaign_name, type, status, scheduled_at,
      template_id, keyword, content, details, livemode, api_key_id, recipient_count, chunk_size,
      reserved_sen)
    VALUES (${input.clientId}, ${broadcastId}, ${input.channel}, ${input.campaignName},
      ${input.type}, ${scheduled ? "scheduled" : "queued"},
      ${input.scheduledAt?.toISOString() ?? null},
      ${input.templateId}, ${input.keyword}, ${input.content}, ${JSON.stringify(input.details)},
      ${input.livemode}, ${input.apiKeyId}, ${input.messages.length}, ${chunkSize}, ${reserved})`);

  await insertMessages(scope, input, broadcastId);
  if (input.livemode) await reserveCredit(scope.tx, input.clientId, reserved, broadcastId);

  if (scheduled) {
    await enqueueInTransaction(platform.boss, scope.tx, queues.broadcastSchedule, [
      {
        data: { clientId: input.clientId, broadcastId },
        startAfter: input.scheduledAt ?? new Date(),
        singletonKey: broadcastId,
      },
    ]);
  } else {
    await enqueueSendChunks(
      platform,
      scope,
      input.channel,
      input.clientId,
      broadcastId,
      input.messages.length,
    );
  }

  return { broadcastId, queued: input.messages.length, reserved, scheduledAt: input.scheduledAt };
}

/**
 * One job per chunk of consecutive messages. Later chunks get lower priority, so the first
 * chunks of a small broadcast overtake the tail of a large one; the per-client group limit
 * keeps one client from occupying every worker.
 */
export async function enqueueSendChunks(
  platform: Platform,
  scope: TransactionScope,
  channel: Channel,
  clientId: string,
  broadcastId: string,
  messageCount: number,
): Promise<void> {
  const chunkSize = platform.config.SEND_CHUNK_SIZE;
  const jobs = [];
  for (let fromSeq = 0, chunk = 0; fromSeq < messageCount; fromSeq += chunkSize, chunk++) {
    jobs.push({
      data: { clientId, broadcastId, fromSeq, toSeq: Math.min(messageCount, fromSeq + chunkSize) },
      priority: -Math.min(chunk, 1000),
      group: { id: clientId },
    });
  }
  await enqueueInTransaction(platform.boss, scope.tx, sendQueues[channel], jobs);
}

/**
 * Bulk insert through COPY: one round trip for the whole recipient list, which is what
 * lets a 100,000-recipient request commit in about the time Postgres needs to store it.
 */
async function insertMessages(
  scope: TransactionScope,
  input: NewBroadcast,
  broadcastId: string,
): Promise<void> {
  const billingState = input.livemode ? "reserved" : "free";
  const stream = await scope.raw`
    COPY messages (client_id, broadcast_id, seq, channel, recipient, content, variables,
      segments, price, billing_state)
    FROM STDIN`.writable();

  const prefix = `${input.clientId}\t${broadcastId}\t`;
  const batch: string[] = [];
  const flush = async () => {
    const text = batch.join("");
    batch.length = 0;
    if (!stream.write(text)) await new Promise((resolve) => stream.once("drain", resolve));
  };

  for (let seq = 0; seq < input.messages.length; seq++) {
    const message = input.messages[seq] as NewMessage;
    const variables = message.variables === null ? null : JSON.stringify(message.variables);
    const fields = [
      seq,
      input.channel,
      copyText(message.recipient),
      copyText(message.content),
      copyText(variables),
      message.segments,
      message.price,
      billingState,
    ];
    batch.push(`${prefix}${fields.join("\t")}\n`);
    if (batch.length >= 2000) await flush();
  }
  await flush();
  await new Promise<void>((resolve, reject) => {
    stream.once("error", reject);
    stream.end(() => resolve());
  });
}

/** Escapes a value for COPY's text format; null becomes `\N`. */
function copyText(value: string | null): string {
  if (value === null) return "\\N";
  return value.replace(/[\\\t\n\r]/g, (char) =>
    char === "\\" ? "\\\\" : char === "\t" ? "\\t" : char === "\n" ? "\\n" : "\\r",
  );
}

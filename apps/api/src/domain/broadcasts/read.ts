import type { Executor } from "@teekrr/db";
import { AppError, type BroadcastStatus, type MessageStatus } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { isoTime, queryOne, queryRows } from "../sql.ts";

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: string): boolean {
  return uuidPattern.test(value);
}

interface BroadcastRow {
  id: string;
  channel: string;
  campaign_name: string;
  type: string;
  status: "scheduled" | "queued" | "cancelled";
  scheduled_at: string | null;
  livemode: boolean;
  recipient_count: number;
  reserved_sen: string;
  settled_sen: string;
  released_sen: string;
  created_at: string;
}

/**
 * `sending` and `completed` are not stored: they follow from the messages' statuses,
 * so they can never disagree with them.
 */
function derivedStatus(
  stored: BroadcastRow["status"],
  counts: Record<string, number>,
): BroadcastStatus {
  if (stored !== "queued") return stored;
  const unfinished = (counts.pending ?? 0) + (counts.enqueued ?? 0);
  if (unfinished === 0) return "completed";
  return (counts.pending ?? 0) < Object.values(counts).reduce((a, b) => a + b, 0)
    ? "sending"
    : "queued";
}

export function presentBroadcast(row: BroadcastRow, counts: Record<string, number>) {
  return {
    broadcastUuid: row.id,
    channel: row.channel,
    campaignName: row.campaign_name,
    type: row.type,
    status: derivedStatus(row.status, counts),
    scheduledAt: isoTime(row.scheduled_at),
    livemode: row.livemode,
    recipients: row.recipient_count,
    counts,
    reserved: Number(row.reserved_sen),
    settled: Number(row.settled_sen),
    released: Number(row.released_sen),
    createdAt: isoTime(row.created_at),
  };
}
export type BroadcastView = ReturnType<typeof presentBroadcast>;

/** One client's broadcast with counts per status; another client's id is simply not found. */
export async function getBroadcast(
  db: Executor,
  clientId: string,
  broadcastId: string,
): Promise<BroadcastView> {
  if (!isUuid(broadcastId)) throw new AppError("not_found", "Broadcast not found");
  const row = await queryOne<BroadcastRow>(
    db,
    sql`SELECT id, channel, campaign_name, type, status, scheduled_at, livemode, recipient_count,
        reserved_sen, settled_sen, released_sen, created_at
      FROM broadcasts WHERE client_id = ${clientId} AND id = ${broadcastId}`,
  );
  if (!row) throw new AppError("not_found", "Broadcast not found");
  return presentBroadcast(
    row,
    await countByStatus(db, clientId, [broadcastId]).then((m) => m.get(broadcastId) ?? {}),
  );
}

export async function countByStatus(
  db: Executor,
  clientId: string,
  broadcastIds: string[],
): Promise<Map<string, Record<string, number>>> {
  const rows = await queryRows<{ broadcast_id: string; status: MessageStatus; count: string }>(
    db,
    sql`SELECT broadcast_id, status, count(*) AS count FROM messages
      WHERE client_id = ${clientId} AND broadcast_id = ANY(${sql.param(broadcastIds)}::uuid[])
      GROUP BY broadcast_id, status`,
  );
  const counts = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const entry = counts.get(row.broadcast_id) ?? {};
    entry[row.status] = Number(row.count);
    counts.set(row.broadcast_id, entry);
  }
  return counts;
}

interface MessageRow {
  id: string;
  broadcast_id: string;
  channel: string;
  recipient: string;
  content: string | null;
  broadcast_content: string | null;
  segments: number;
  price: number;
  status: MessageStatus;
  billing_state: string;
  provider_message_id: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
}

/** A message with its full status history, oldest first. */
export async function getMessage(db: Executor, clientId: string, messageId: string) {
  if (!isUuid(messageId)) throw new AppError("not_found", "Message not found");
  const row = await queryOne<MessageRow>(
    db,
    sql`SELECT m.id, m.broadcast_id, m.channel, m.recipient, m.content,
        b.content AS broadcast_content, m.segments, m.price, m.status, m.billing_state,
        m.provider_message_id, m.error_code,
        m.error_message, m.created_at
      FROM messages m JOIN broadcasts b ON b.client_id = m.client_id AND b.id = m.broadcast_id
      WHERE m.client_id = ${clientId} AND m.id = ${messageId}`,
  );
  if (!row) throw new AppError("not_found", "Message not found");
  const events = await queryRows<{ status: MessageStatus; occurred_at: string; detail: unknown }>(
    db,
    sql`SELECT status, occurred_at, detail FROM message_events
      WHERE client_id = ${clientId} AND message_id = ${messageId} ORDER BY occurred_at, status`,
  );
  return {
    messageUuid: row.id,
    broadcastUuid: row.broadcast_id,
    channel: row.channel,
    recipient: row.recipient,
    content: row.content ?? row.broadcast_content,
    segments: row.segments,
    price: row.price,
    status: row.status,
    billing: row.billing_state,
    providerMessageId: row.provider_message_id,
    errorCode: row.error_code,
    errorMessage: row.error_message,
    history: [
      { status: "pending" as const, at: isoTime(row.created_at), detail: null },
      ...events.map((event) => ({
        status: event.status,
        at: isoTime(event.occurred_at),
        detail: event.detail ?? null,
      })),
    ],
  };
}

import type { Executor } from "@teekrr/db";
import { AppError, type MessageStatus } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { toCsv } from "../ledger-history.ts";
import { isoTime, queryRows } from "../sql.ts";
import { countByStatus, getBroadcast, presentBroadcast } from "./read.ts";

/** A client's broadcasts, newest first, each with its counts per status. */
export async function listClientBroadcasts(
  db: Executor,
  clientId: string,
  options: { limit?: number; before?: string } = {},
) {
  const rows = await queryRows<Parameters<typeof presentBroadcast>[0]>(
    db,
    sql`SELECT id, channel, campaign_name, type, status, scheduled_at, livemode,
        recipient_count, reserved_sen, settled_sen, released_sen, created_at
      FROM broadcasts WHERE client_id = ${clientId}
        ${options.before ? sql`AND created_at < ${options.before}::timestamptz` : sql``}
      ORDER BY created_at DESC, id DESC LIMIT ${Math.min(options.limit ?? 50, 200)}`,
  );
  const counts = await countByStatus(
    db,
    clientId,
    rows.map((row) => row.id),
  );
  return rows.map((row) => presentBroadcast(row, counts.get(row.id) ?? {}));
}

/** Messages of one broadcast whose recipient contains `query`, with status and error. */
export async function searchBroadcastMessages(
  db: Executor,
  clientId: string,
  broadcastId: string,
  options: { query?: string; status?: MessageStatus; limit?: number },
) {
  await getBroadcast(db, clientId, broadcastId);
  const pattern = options.query ? `%${options.query.replace(/[\\%_]/g, "\\$&")}%` : null;
  const rows = await queryRows<{
    id: string;
    recipient: string;
    status: MessageStatus;
    segments: number;
    price: number;
    error_code: string | null;
    updated_at: string | null;
    created_at: string;
  }>(
    db,
    sql`SELECT id, recipient, status, segments, price, error_code, updated_at, created_at
      FROM messages WHERE client_id = ${clientId} AND broadcast_id = ${broadcastId}
        ${pattern ? sql`AND recipient ILIKE ${pattern}` : sql``}
        ${options.status ? sql`AND status = ${options.status}` : sql``}
      ORDER BY seq LIMIT ${Math.min(options.limit ?? 100, 500)}`,
  );
  return rows.map((row) => ({
    messageUuid: row.id,
    recipient: row.recipient,
    status: row.status,
    segments: row.segments,
    price: row.price,
    errorCode: row.error_code,
    updatedAt: isoTime(row.updated_at ?? row.created_at),
  }));
}

/** Every message of a broadcast as CSV, in send order. */
export async function broadcastMessagesCsv(db: Executor, clientId: string, broadcastId: string) {
  const broadcast = await getBroadcast(db, clientId, broadcastId);
  if (broadcast.recipients > 100_000) throw new AppError("payload_too_large");
  const rows = await queryRows<{
    id: string;
    recipient: string;
    status: string;
    segments: number;
    price: number;
    billing_state: string;
    provider_message_id: string | null;
    error_code: string | null;
    error_message: string | null;
    updated_at: string | null;
  }>(
    db,
    sql`SELECT id, recipient, status, segments, price, billing_state, provider_message_id,
        error_code, error_message, updated_at
      FROM messages WHERE client_id = ${clientId} AND broadcast_id = ${broadcastId}
      ORDER BY seq`,
  );
  return toCsv(
    [
      "message_uuid",
      "recipient",
      "status",
      "segments",
      "price_sen",
      "billing",
      "provider_message_id",
      "error_code",
      "error_message",
      "updated_at",
    ],
    rows.map((row) => [
      row.id,
      row.recipient,
      row.status,
      row.segments,
      row.price,
      row.billing_state,
      row.provider_message_id,
      row.error_code,
      row.error_message,
      row.updated_at ? isoTime(row.updated_at) : "",
    ]),
  );
}

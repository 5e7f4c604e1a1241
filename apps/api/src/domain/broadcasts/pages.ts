import type { Executor } from "@teekrr/db";
import { AppError, type MessageStatus } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { decodeCursor, decodeTimeCursor, encodeCursor } from "../cursor.ts";
import { isoTime, queryOne, queryRows } from "../sql.ts";
import { countByStatus, isUuid, presentBroadcast } from "./read.ts";

type BroadcastRow = Parameters<typeof presentBroadcast>[0];

/** A client's broadcasts, newest first, a page at a time. */
export async function listBroadcastsPage(
  db: Executor,
  clientId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  const after = page.cursor ? decodeTimeCursor(page.cursor) : null;
  const rows = await queryRows<BroadcastRow>(
    db,
    sql`SELECT id, channel, campaign_name, type, status, scheduled_at, livemode, recipient_count,
        reserved_sen, settled_sen, released_sen, created_at
      FROM broadcasts WHERE client_id = ${clientId}
        ${after ? sql`AND (created_at, id) < (${after.t}::timestamptz, ${after.id}::uuid)` : sql``}
      ORDER BY created_at DESC, id DESC LIMIT ${page.limit + 1}`,
  );
  const items = rows.slice(0, page.limit);
  const counts = await countByStatus(
    db,
    clientId,
    items.map((row) => row.id),
  );
  const last = items.at(-1);
  return {
    items: items.map((row) => presentBroadcast(row, counts.get(row.id) ?? {})),
    nextCursor:
      rows.length > page.limit && last
        ? encodeCursor({ t: isoTime(last.created_at), id: last.id })
        : null,
  };
}

interface MessageRow {
  id: string;
  seq: number;
  recipient: string;
  status: MessageStatus;
  segments: number;
  price: number;
  billing_state: string;
  provider_message_id: string | null;
  error_code: string | null;
  error_message: string | null;
  created_at: string;
  updated_at: string | null;
}

export interface MessagePageQuery {
  limit: number;
  cursor?: string | undefined;
  status?: MessageStatus | undefined;
  /** Keeps messages whose recipient contains this text, as the console's search does. */
  recipientContains?: string | undefined;
}

/** A broadcast's messages in send order, optionally filtered, a page at a time. */
export async function listBroadcastMessagesPage(
  db: Executor,
  clientId: string,
  broadcastId: string,
  page: MessagePageQuery,
) {
  if (!isUuid(broadcastId)) throw new AppError("not_found", "Broadcast not found");
  const broadcast = await queryOne<{ id: string }>(
    db,
    sql`SELECT id FROM broadcasts WHERE client_id = ${clientId} AND id = ${broadcastId}`,
  );
  if (!broadcast) throw new AppError("not_found", "Broadcast not found");
  const afterSeq = page.cursor ? Number(decodeCursor(page.cursor, ["seq"]).seq) : -1;
  if (!Number.isSafeInteger(afterSeq)) {
    throw new AppError("validation_failed", undefined, [
      { field: "cursor", message: "Invalid cursor" },
    ]);
  }

  const pattern = page.recipientContains
    ? `%${page.recipientContains.replace(/[\\%_]/g, "\\$&")}%`
    : null;
  const rows = await queryRows<MessageRow>(
    db,
    sql`SELECT id, seq, recipient, status, segments, price, billing_state, provider_message_id,
        error_code, error_message, created_at, updated_at
      FROM messages
      WHERE client_id = ${clientId} AND broadcast_id = ${broadcastId} AND seq > ${afterSeq}
        ${page.status ? sql`AND status = ${page.status}` : sql``}
        ${pattern ? sql`AND recipient ILIKE ${pattern}` : sql``}
      ORDER BY seq LIMIT ${page.limit + 1}`,
  );
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map((row) => ({
      messageUuid: row.id,
      recipient: row.recipient,
      status: row.status,
      segments: row.segments,
      price: row.price,
      billing: row.billing_state,
      providerMessageId: row.provider_message_id,
      errorCode: row.error_code,
      errorMessage: row.error_message,
      createdAt: isoTime(row.created_at),
      updatedAt: isoTime(row.updated_at),
    })),
    nextCursor: rows.length > page.limit && last ? encodeCursor({ seq: last.seq }) : null,
  };
}

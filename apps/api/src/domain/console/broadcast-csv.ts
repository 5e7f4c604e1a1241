import type { Executor } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { getBroadcast } from "../broadcasts/read.ts";
import { toCsv } from "../ledger-history.ts";
import { isoTime, queryRows } from "../sql.ts";

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

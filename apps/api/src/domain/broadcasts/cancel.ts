import type { DatabaseHandle } from "@teekrr/db";
import { AppError, type Channel } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit.ts";
import { failMessages } from "../messages/outcomes.ts";
import { queryOne, queryRows } from "../sql.ts";
import { getBroadcast, isUuid } from "./read.ts";

const failBatch = 5000;

export async function broadcastChannel(
  database: DatabaseHandle,
  clientId: string,
  broadcastId: string,
): Promise<Channel> {
  if (!isUuid(broadcastId)) throw new AppError("not_found", "Broadcast not found");
  const row = await queryOne<{ channel: Channel }>(
    database.db,
    sql`SELECT channel FROM broadcasts WHERE client_id = ${clientId} AND id = ${broadcastId}`,
  );
  if (!row) throw new AppError("not_found", "Broadcast not found");
  return row.channel;
}

/**
 * Stops a scheduled or running broadcast. Messages not yet handed to a send worker end
 * `failed` with code `cancelled` and their credit is released; chunk jobs still queued
 * then find a cancelled broadcast and send nothing. Cancelling twice is harmless.
 */
export async function cancelBroadcast(
  database: DatabaseHandle,
  actor: Actor,
  clientId: string,
  broadcastId: string,
) {
  if (!isUuid(broadcastId)) throw new AppError("not_found", "Broadcast not found");
  await database.transaction(async ({ tx }) => {
    const broadcast = await queryOne<{ channel: Channel; status: string }>(
      tx,
      sql`SELECT channel, status FROM broadcasts
        WHERE client_id = ${clientId} AND id = ${broadcastId} FOR UPDATE`,
    );
    if (!broadcast) throw new AppError("not_found", "Broadcast not found");
    if (broadcast.status === "cancelled") return;

    // Messages a send worker has already taken (`enqueued`) are left to finish: the
    // provider may have them already, and failing them here could free credit for a
    // message that is delivered.
    const waiting = await queryRows<{ id: string }>(
      tx,
      sql`SELECT id FROM messages WHERE client_id = ${clientId} AND broadcast_id = ${broadcastId}
        AND status = 'pending' ORDER BY seq`,
    );
    if (waiting.length === 0 && broadcast.status !== "scheduled") {
      throw new AppError("conflict", "Broadcast has already been sent");
    }

    await tx.execute(sql`UPDATE broadcasts SET status = 'cancelled', updated_at = now()
      WHERE client_id = ${clientId} AND id = ${broadcastId}`);
    for (let start = 0; start < waiting.length; start += failBatch) {
      const ids = waiting.slice(start, start + failBatch);
      await failMessages(
        tx,
        clientId,
        broadcastId,
        broadcast.channel,
        ids.map((row) => ({
          messageId: row.id,
          code: "cancelled",
          message: "Broadcast was cancelled",
        })),
      );
    }
    await recordAudit(tx, actor, {
      clientId,
      action: "broadcast.cancel",
      targetType: "broadcast",
      targetId: broadcastId,
      before: { status: broadcast.status },
      after: { status: "cancelled", cancelledMessages: waiting.length },
    });
  });
  return await getBroadcast(database.db, clientId, broadcastId);
}

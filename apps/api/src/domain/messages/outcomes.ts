import type { Executor } from "@teekrr/db";
import type { Channel, MessageStatus } from "@teekrr/shared";
import { acceptedStatus, predecessorsOf } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { releaseShares, settleShares } from "../ledger.ts";
import { billedEvents, failedEvents, queueWebhookEvents } from "../webhooks/events.ts";
import { lockMessagesById, rowsParam } from "./locking.ts";

export interface Accepted {
  messageId: string;
  providerMessageId: string;
}

export interface Failed {
  messageId: string;
  code: string;
  message: string;
}

export interface OutcomeBatch {
  clientId: string;
  broadcastId: string;
  channel: Channel;
  accepted: Accepted[];
  failed: Failed[];
  retrying: Failed[];
}

/** Messages whose status changed in a batch, for events and webhooks to act on. */
export interface AppliedOutcomes {
  acceptedIds: string[];
  settled: { messageId: string; amount: number }[];
  failedIds: string[];
}

/**
 * Records what the provider did with a batch of messages, in the caller's transaction.
 * Acceptance settles each message's share and a permanent failure releases it; both are
 * guarded on the message's `billing_state`, so a batch applied twice (a worker that died
 * after the provider answered, then retried) changes nothing the second time.
 */
export async function applySendOutcomes(
  db: Executor,
  batch: OutcomeBatch,
): Promise<AppliedOutcomes> {
  const applied: AppliedOutcomes = { acceptedIds: [], settled: [], failedIds: [] };
  const accepted = acceptedStatus[batch.channel];
  const moveFrom = predecessorsOf(batch.channel, accepted);

  if (batch.accepted.length > 0) {
    const providerIds = new Map(batch.accepted.map((a) => [a.messageId, a.providerMessageId]));
    // A message that already has a provider id was accepted by an earlier run of this batch.
    const rows = await lockMessagesById(
      db,
      batch.clientId,
      [...providerIds.keys()],
      sql`provider_message_id IS NULL`,
    );
    if (rows.length > 0) {
      await db.execute(sql`
        UPDATE messages m SET
          provider_message_id = input.provider_id,
          status = CASE WHEN m.status = ANY(${sql.param(moveFrom)}::text[]) THEN ${accepted}
            ELSE m.status END,
          billing_state = CASE WHEN m.billing_state = 'reserved' THEN 'settled'
            ELSE m.billing_state END,
          attempts = m.attempts + 1,
          error_code = NULL, error_message = NULL, updated_at = now()
        FROM unnest(${rowsParam(rows)},
          ${sql.param(rows.map((row) => providerIds.get(row.id)))}::text[])
          AS input(row, provider_id)
        WHERE m.ctid = input.row`);
    }
    const moved = rows.filter((row) => moveFrom.includes(row.status)).map((row) => row.id);
    await recordEvents(db, batch.clientId, moved, accepted, batch.accepted);
    // Sandbox messages are free: their `billed` event carries an amount of zero.
    await queueWebhookEvents(db, batch.clientId, "billed", billedEvents(rows));
    const settled = rows.filter((row) => row.billing_state === "reserved");
    applied.acceptedIds = moved;
    applied.settled = settled.map((row) => ({ messageId: row.id, amount: Number(row.price) }));
  }

  if (batch.retrying.length > 0) {
    const reasons = new Map(batch.retrying.map((f) => [f.messageId, f]));
    const rows = await lockMessagesById(
      db,
      batch.clientId,
      [...reasons.keys()],
      sql`provider_message_id IS NULL`,
    );
    if (rows.length > 0) {
      await db.execute(sql`
        UPDATE messages m SET attempts = m.attempts + 1, error_code = input.code,
          error_message = input.message, updated_at = now()
        FROM unnest(${rowsParam(rows)},
          ${sql.param(rows.map((row) => reasons.get(row.id)?.code))}::text[],
          ${sql.param(rows.map((row) => reasons.get(row.id)?.message))}::text[])
          AS input(row, code, message)
        WHERE m.ctid = input.row`);
    }
  }

  // The money moves last: they lock the broadcast and client rows, which every chunk of
  // the client's broadcasts shares, so they should be held only for the moment to commit.
  if (batch.failed.length > 0) {
    applied.failedIds = await failMessages(
      db,
      batch.clientId,
      batch.broadcastId,
      batch.channel,
      batch.failed,
    );
  }
  await settleShares(db, batch.clientId, batch.broadcastId, {
    count: applied.settled.length,
    amount: applied.settled.reduce((sum, share) => sum + share.amount, 0),
  });
  return applied;
}

/**
 * Ends messages `failed` and releases the shares that were still reserved. Used for
 * permanent provider errors and for cancellation; already-finished messages are left alone.
 */
export async function failMessages(
  db: Executor,
  clientId: string,
  broadcastId: string,
  channel: Channel,
  failures: Failed[],
): Promise<string[]> {
  const moveFrom = predecessorsOf(channel, "failed");
  const reasons = new Map(failures.map((failure) => [failure.messageId, failure]));
  const rows = await lockMessagesById(
    db,
    clientId,
    [...reasons.keys()],
    sql`status = ANY(${sql.param(moveFrom)}::text[]) AND provider_message_id IS NULL`,
  );
  if (rows.length > 0) {
    await db.execute(sql`
      UPDATE messages m SET status = 'failed',
        billing_state = CASE WHEN m.billing_state = 'reserved' THEN 'released'
          ELSE m.billing_state END,
        error_code = input.code, error_message = input.message, updated_at = now()
      FROM unnest(${rowsParam(rows)},
        ${sql.param(rows.map((row) => reasons.get(row.id)?.code))}::text[],
        ${sql.param(rows.map((row) => reasons.get(row.id)?.message))}::text[])
        AS input(row, code, message)
      WHERE m.ctid = input.row`);
  }
  const ids = rows.map((row) => row.id);
  await recordEvents(db, clientId, ids, "failed", failures);
  await queueWebhookEvents(db, clientId, "failed", failedEvents(ids, failures));
  const released = rows.filter((row) => row.billing_state === "reserved");
  await releaseShares(db, clientId, broadcastId, {
    count: released.length,
    amount: released.reduce((sum, row) => sum + Number(row.price), 0),
  });
  return ids;
}

type EventDetail = Partial<Accepted & Failed> & { messageId: string };

/** Appends one history row per message that reached `status`; a repeat is ignored. */
export async function recordEvents(
  db: Executor,
  clientId: string,
  messageIds: string[],
  status: MessageStatus,
  details: EventDetail[] = [],
): Promise<void> {
  if (messageIds.length === 0) return;
  const byId = new Map(details.map((detail) => [detail.messageId, detail]));
  const detailText = messageIds.map((id) => {
    const detail = byId.get(id);
    if (!detail) return null;
    const { messageId: _, ...rest } = detail;
    return Object.keys(rest).length > 0 ? JSON.stringify(rest) : null;
  });
  await db.execute(sql`
    INSERT INTO message_events (client_id, message_id, status, detail)
    SELECT ${clientId}, input.id, ${status}, input.detail::jsonb
    FROM unnest(${sql.param(messageIds)}::uuid[], ${sql.param(detailText)}::text[])
      AS input(id, detail)
    ON CONFLICT DO NOTHING`);
}

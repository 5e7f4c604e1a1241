import type { Executor } from "@teekrr/db";
import type { Channel, MessageStatus } from "@teekrr/shared";
import { acceptedStatus, predecessorsOf } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { releaseShares, settleShares } from "../ledger.ts";
import { queryRows } from "../sql.ts";
import { billedEvents, failedEvents, queueWebhookEvents } from "../webhooks/events.ts";

export interface Accepted {
  messageId: string;
  providerMessageId: string;
}

export interface Failed {
  messageId: string;
  code: string;
  message: string;
}

interface ChangedRow {
  id: string;
  old_status: MessageStatus;
  old_billing: string;
  price: number;
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
    const rows = await queryRows<ChangedRow>(
      db,
      sql`
      WITH input AS (
        SELECT * FROM unnest(${sql.param(batch.accepted.map((a) => a.messageId))}::uuid[],
          ${sql.param(batch.accepted.map((a) => a.providerMessageId))}::text[])
          AS i(id, provider_id)
      ), target AS (
        -- Rows are found by primary key (= ANY), not by joining the input: right after a
        -- large COPY the statistics are stale and a join could be planned as a scan.
        SELECT m.id, m.status AS old_status, m.billing_state AS old_billing, m.price
        FROM messages m
        WHERE m.client_id = ${batch.clientId}
          AND m.id = ANY(${sql.param(batch.accepted.map((a) => a.messageId))}::uuid[])
          AND m.provider_message_id IS NULL
        FOR UPDATE OF m
      ), changed AS (
        UPDATE messages m SET
          provider_message_id = input.provider_id,
          status = CASE WHEN m.status = ANY(${sql.param(moveFrom)}::text[]) THEN ${accepted}
            ELSE m.status END,
          billing_state = CASE WHEN m.billing_state = 'reserved' THEN 'settled'
            ELSE m.billing_state END,
          attempts = m.attempts + 1,
          error_code = NULL, error_message = NULL, updated_at = now()
        FROM target, input
        WHERE m.client_id = ${batch.clientId}
          AND m.id = ANY(${sql.param(batch.accepted.map((a) => a.messageId))}::uuid[])
          AND m.id = target.id AND input.id = target.id
        RETURNING m.id
      )
      SELECT target.* FROM target JOIN changed ON changed.id = target.id`,
    );
    const moved = rows.filter((row) => moveFrom.includes(row.old_status)).map((row) => row.id);
    await recordEvents(db, batch.clientId, moved, accepted, batch.accepted);
    // Sandbox messages are free: their `billed` event carries an amount of zero.
    await queueWebhookEvents(db, batch.clientId, "billed", billedEvents(rows));
    const settled = rows.filter((row) => row.old_billing === "reserved");
    applied.acceptedIds = moved;
    applied.settled = settled.map((row) => ({ messageId: row.id, amount: Number(row.price) }));
  }

  if (batch.retrying.length > 0) {
    await db.execute(sql`
      UPDATE messages m SET attempts = m.attempts + 1, error_code = input.code,
        error_message = input.message, updated_at = now()
      FROM unnest(${sql.param(batch.retrying.map((f) => f.messageId))}::uuid[],
        ${sql.param(batch.retrying.map((f) => f.code))}::text[],
        ${sql.param(batch.retrying.map((f) => f.message))}::text[]) AS input(id, code, message)
      WHERE m.client_id = ${batch.clientId} AND m.id = input.id
        AND m.provider_message_id IS NULL`);
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
  const rows = await queryRows<ChangedRow>(
    db,
    sql`
    WITH input AS (
      SELECT * FROM unnest(${sql.param(failures.map((f) => f.messageId))}::uuid[],
        ${sql.param(failures.map((f) => f.code))}::text[],
        ${sql.param(failures.map((f) => f.message))}::text[]) AS i(id, code, message)
    ), target AS (
      SELECT m.id, m.status AS old_status, m.billing_state AS old_billing, m.price
      FROM messages m
      WHERE m.client_id = ${clientId}
        AND m.id = ANY(${sql.param(failures.map((f) => f.messageId))}::uuid[])
        AND m.status = ANY(${sql.param(moveFrom)}::text[])
        AND m.provider_message_id IS NULL
      FOR UPDATE OF m
    ), changed AS (
      UPDATE messages m SET status = 'failed',
        billing_state = CASE WHEN m.billing_state = 'reserved' THEN 'released'
          ELSE m.billing_state END,
        error_code = input.code, error_message = input.message, updated_at = now()
      FROM target, input
      WHERE m.client_id = ${clientId}
        AND m.id = ANY(${sql.param(failures.map((f) => f.messageId))}::uuid[])
        AND m.id = target.id AND input.id = target.id
      RETURNING m.id
    )
    SELECT target.* FROM target JOIN changed ON changed.id = target.id`,
  );
  const ids = rows.map((row) => row.id);
  await recordEvents(db, clientId, ids, "failed", failures);
  await queueWebhookEvents(db, clientId, "failed", failedEvents(ids, failures));
  const released = rows.filter((row) => row.old_billing === "reserved");
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

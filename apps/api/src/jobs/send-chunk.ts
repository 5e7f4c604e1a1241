import type { Channel } from "@teekrr/shared";
import { predecessorsOf } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import type { JobWithMetadata } from "pg-boss";
import type { SendResult } from "../channels/send-result.ts";
import {
  type Accepted,
  applySendOutcomes,
  type Failed,
  recordEvents,
} from "../domain/messages/outcomes.ts";
import { queryOne, queryRows } from "../domain/sql.ts";
import type { Platform } from "../platform.ts";
import { runPool } from "./pool.ts";
import type { SendChunkJob } from "./queues.ts";

export interface ChunkMessage {
  id: string;
  recipient: string;
  content: string | null;
  variables: Record<string, unknown> | null;
}

export interface ChunkBroadcast {
  id: string;
  clientId: string;
  channel: Channel;
  status: string;
  livemode: boolean;
  content: string | null;
  details: Record<string, unknown>;
}

export type SendOne = (message: ChunkMessage, broadcast: ChunkBroadcast) => Promise<SendResult>;

/** Results are written every this many messages, bounding the work lost to a crash. */
const flushEvery = 200;

/** Thrown to ask pg-boss to run the job again later; the messages keep their progress. */
export class RetryLater extends Error {}

/**
 * Sends one chunk of a broadcast. Safe to run again after a crash at any point: a message
 * the provider already accepted has its provider id and is skipped; one whose acceptance
 * was not yet written is sent again with the same reference, which the provider
 * de-duplicates; and the guarded writes never settle or release a share twice.
 */
export async function sendChunk(
  platform: Platform,
  job: JobWithMetadata<SendChunkJob>,
  sendOne: SendOne,
): Promise<void> {
  const { clientId, broadcastId, fromSeq, toSeq } = job.data;
  const { db } = platform.database;
  const log = platform.logger.child({ jobId: job.id, queue: job.name, clientId, broadcastId });

  const broadcast = await queryOne<ChunkBroadcast>(
    db,
    sql`SELECT id, client_id AS "clientId", channel, status, livemode, content, details
      FROM broadcasts WHERE client_id = ${clientId} AND id = ${broadcastId}`,
  );
  if (!broadcast || broadcast.status === "cancelled") return;

  const waiting = predecessorsOf(broadcast.channel, "enqueued");
  // The SELECT sees the rows as they were before the UPDATE in the same statement, so a
  // status of `pending` below marks exactly the messages this run moved to `enqueued`.
  // The history row commits with the status change, so a crash between the two cannot
  // leave a message `enqueued` with no record of when.
  const messages = await platform.database.transaction(async ({ tx }) => {
    const rows = await queryRows<ChunkMessage & { status: string }>(
      tx,
      sql`
    WITH marked AS (
      UPDATE messages SET status = 'enqueued', updated_at = now()
      WHERE broadcast_id = ${broadcastId} AND seq >= ${fromSeq} AND seq < ${toSeq}
        AND client_id = ${clientId} AND status = ANY(${sql.param(waiting)}::text[])
      RETURNING id
    )
    SELECT id, recipient, content, variables, status FROM messages
    WHERE broadcast_id = ${broadcastId} AND seq >= ${fromSeq} AND seq < ${toSeq}
      AND client_id = ${clientId} AND provider_message_id IS NULL
      AND status IN ('pending', 'enqueued')
    ORDER BY seq`,
    );
    const newlyEnqueued = rows.filter((message) => message.status === "pending");
    await recordEvents(
      tx,
      clientId,
      newlyEnqueued.map((message) => message.id),
      "enqueued",
    );
    return rows;
  });

  const pending = { accepted: [] as Accepted[], failed: [] as Failed[], retrying: [] as Failed[] };
  const lastAttempt = job.retryCount >= job.retryLimit;
  let retryNeeded = false;

  const flush = async () => {
    const batch = {
      clientId,
      broadcastId,
      channel: broadcast.channel,
      accepted: pending.accepted.splice(0),
      failed: pending.failed.splice(0),
      retrying: pending.retrying.splice(0),
    };
    if (batch.accepted.length + batch.failed.length + batch.retrying.length === 0) return;
    await platform.database.transaction(async ({ tx }) => {
      await applySendOutcomes(tx, batch);
    });
  };
  // Outcomes are written in the background, one batch after another, while the lanes keep
  // sending: waiting for each write held back every lane of the chunk behind the database.
  let writing: Promise<void> = Promise.resolve();
  const writeInBackground = () => {
    writing = writing.then(flush);
    writing.catch(() => {});
  };

  await runPool(messages, platform.config.SEND_CONCURRENCY, async (message) => {
    const result = await sendOne(message, broadcast);
    if (result.kind === "accepted") {
      pending.accepted.push({ messageId: message.id, providerMessageId: result.providerMessageId });
    } else if (result.kind === "permanent") {
      pending.failed.push({ messageId: message.id, code: result.code, message: result.message });
    } else if (lastAttempt) {
      pending.failed.push({ messageId: message.id, code: result.code, message: result.message });
    } else {
      retryNeeded = true;
      pending.retrying.push({ messageId: message.id, code: result.code, message: result.message });
    }
    if (pending.accepted.length + pending.failed.length + pending.retrying.length >= flushEvery) {
      writeInBackground();
    }
  });
  writeInBackground();
  await writing;

  if (retryNeeded) {
    log.warn({ attempt: job.retryCount + 1 }, "provider asked us to retry part of a chunk");
    throw new RetryLater("transient provider errors; chunk will be retried");
  }
}

import type { Channel } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { enqueueSendChunks } from "../domain/broadcasts/persist.ts";
import { queryOne } from "../domain/sql.ts";
import type { Platform } from "../platform.ts";
import type { BroadcastScheduleJob } from "./queues.ts";

/**
 * Releases a scheduled broadcast at its time: flips it to `queued` and enqueues its send
 * chunks in one transaction. A cancelled broadcast is no longer `scheduled`, so its job
 * finds nothing to do.
 */
export async function startScheduledBroadcast(
  platform: Platform,
  job: BroadcastScheduleJob,
): Promise<void> {
  await platform.database.transaction(async (scope) => {
    const broadcast = await queryOne<{ channel: Channel; recipient_count: number }>(
      scope.tx,
      sql`UPDATE broadcasts SET status = 'queued', updated_at = now()
        WHERE client_id = ${job.clientId} AND id = ${job.broadcastId} AND status = 'scheduled'
        RETURNING channel, recipient_count`,
    );
    if (!broadcast) return;
    await enqueueSendChunks(
      platform,
      scope,
      broadcast.channel,
      job.clientId,
      job.broadcastId,
      broadcast.recipient_count,
    );
  });
}

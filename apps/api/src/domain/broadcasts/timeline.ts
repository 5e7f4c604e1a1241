import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { isoTime, queryRows } from "../sql.ts";
import { getBroadcast } from "./read.ts";

/**
 * How many of a broadcast's messages reached each status, per time bucket, for a chart.
 * Buckets are a second wide for a short broadcast and widen so a long one stays near
 * `maxPoints` points.
 */
export async function broadcastTimeline(
  db: Executor,
  clientId: string,
  broadcastId: string,
  maxPoints = 60,
) {
  // Resolves the broadcast first so another client's id is not found, not an empty chart.
  const broadcast = await getBroadcast(db, clientId, broadcastId);
  const rows = await queryRows<{ bucket: string; status: string; count: string }>(
    db,
    sql`WITH bounds AS (
        SELECT min(e.occurred_at) AS first, max(e.occurred_at) AS last
        FROM message_events e JOIN messages m
          ON m.client_id = e.client_id AND m.id = e.message_id
        WHERE m.client_id = ${clientId} AND m.broadcast_id = ${broadcastId}),
      step AS (
        SELECT first, greatest(1, ceil(extract(epoch FROM last - first) / ${maxPoints}))
          AS seconds FROM bounds)
      SELECT to_timestamp(floor(extract(epoch FROM e.occurred_at) / step.seconds)
          * step.seconds) AS bucket, e.status, count(*) AS count
      FROM message_events e
      JOIN messages m ON m.client_id = e.client_id AND m.id = e.message_id
      CROSS JOIN step
      WHERE m.client_id = ${clientId} AND m.broadcast_id = ${broadcastId}
      GROUP BY 1, 2 ORDER BY 1`,
  );

  const buckets = new Map<string, Record<string, number>>();
  for (const row of rows) {
    const at = isoTime(row.bucket);
    const entry = buckets.get(at) ?? {};
    entry[row.status] = Number(row.count);
    buckets.set(at, entry);
  }
  // Running totals, so each point says how many messages had reached a status by then;
  // the first point is the broadcast's creation, when none had reached any.
  const totals: Record<string, number> = {};
  const points: Record<string, number | string>[] = [{ at: broadcast.createdAt }];
  for (const [at, counts] of buckets) {
    for (const [status, count] of Object.entries(counts)) {
      totals[status] = (totals[status] ?? 0) + count;
    }
    points.push({ at, ...totals });
  }
  return { broadcastUuid: broadcast.broadcastUuid, points };
}

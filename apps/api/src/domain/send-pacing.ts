import { setTimeout as sleep } from "node:timers/promises";
import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { queryOne } from "./sql.ts";

/**
 * What one claim got: how many sends it may make, the database second they belong to
 * (epoch milliseconds) and how long that second still has to run.
 */
export interface SendPermits {
  granted: number;
  windowStart: number;
  msLeft: number;
}

/**
 * Claims up to `wanted` of this second's sends under `pacingKey` (`whatsapp:<number id>`,
 * `ses:live`, `elfo:live`...). The counter lives in Postgres and the second is read from
 * the database's clock, so every worker process draws from one allowance whatever its own
 * clock says. The grant is computed from the row the update replaces, so two claims never
 * count the same slot. The first claim of each second also clears that key's old seconds.
 */
export async function claimSendPermits(
  db: Executor,
  pacingKey: string,
  wanted: number,
  perSecond: number,
): Promise<SendPermits> {
  const row = await queryOne<{ granted: number; window_ms: string; ms_left: number }>(
    db,
    sql`
    WITH tick AS (
      SELECT date_trunc('second', t) AS start, t FROM (SELECT clock_timestamp() AS t) AS clock
    ),
    taken AS (
      INSERT INTO send_pacing_windows AS w (account, window_start, used, last_grant)
      SELECT ${pacingKey}, start, least(${wanted}::int, ${perSecond}::int),
        least(${wanted}::int, ${perSecond}::int)
      FROM tick
      ON CONFLICT (account, window_start) DO UPDATE SET
        used = w.used + least(${wanted}::int, ${perSecond}::int - w.used),
        last_grant = least(${wanted}::int, ${perSecond}::int - w.used)
      WHERE w.used < ${perSecond}::int
      RETURNING last_grant, (xmax = 0) AS inserted
    ),
    swept AS (
      DELETE FROM send_pacing_windows
      WHERE account = ${pacingKey}
        AND window_start < (SELECT start FROM tick) - interval '1 minute'
        AND EXISTS (SELECT 1 FROM taken WHERE inserted)
    )
    SELECT coalesce((SELECT last_grant FROM taken), 0) AS granted,
      (extract(epoch FROM start) * 1000)::bigint AS window_ms,
      greatest(1, ceil(extract(epoch FROM start + interval '1 second' - t) * 1000))::int
        AS ms_left
    FROM tick`,
  );
  if (!row) throw new Error("pacing claim returned nothing");
  return {
    granted: Number(row.granted),
    windowStart: Number(row.window_ms),
    msLeft: Number(row.ms_left),
  };
}

export interface SendPacer {
  /** Resolves when one more message may go out under `pacingKey`. */
  take(pacingKey: string): Promise<void>;
}

interface Permits {
  left: number;
  /** `performance.now()` by which the permits' database second has surely ended. */
  expiresAt: number;
  claiming: Promise<void> | undefined;
}

/** Permits per claim: about a tenth of a second's worth, so one query serves many sends. */
export function permitsPerClaim(perSecond: number): number {
  return Math.max(1, Math.min(50, Math.ceil(perSecond / 10)));
}

/**
 * Paces one process's sends at `perSecond` per pacing key, shared with every other process
 * through `claimSendPermits`. Permits are claimed a small batch at a time, one claim in
 * flight per key, so pacing costs one short query per batch rather than one per message.
 * A batch expires when its database second ends, counted from the moment the claim was
 * sent (the database read its clock after that), so it is never spent in the next second.
 * Permits left over when their second ends lapse, which errs on the slow side.
 */
export function createSendPacer(db: Executor, perSecond: number): SendPacer {
  // A rate of zero means the account sets no limit of its own: nothing to wait for.
  if (perSecond <= 0) return { take: async () => {} };
  const batch = permitsPerClaim(perSecond);
  const byKey = new Map<string, Permits>();

  async function claim(pacingKey: string, permits: Permits): Promise<void> {
    const sentAt = performance.now();
    const claimed = await claimSendPermits(db, pacingKey, batch, perSecond);
    if (claimed.granted > 0) {
      permits.left = claimed.granted;
      permits.expiresAt = sentAt + claimed.msLeft;
      return;
    }
    // This second is spent everywhere: wait until the database's clock has moved on.
    await sleep(claimed.msLeft);
  }

  return {
    async take(pacingKey) {
      let permits = byKey.get(pacingKey);
      if (!permits) {
        permits = { left: 0, expiresAt: 0, claiming: undefined };
        byKey.set(pacingKey, permits);
      }
      for (;;) {
        if (permits.left > 0 && performance.now() < permits.expiresAt) {
          permits.left -= 1;
          return;
        }
        const current = permits;
        current.claiming ??= claim(pacingKey, current).finally(() => {
          current.claiming = undefined;
        });
        await current.claiming;
      }
    },
  };
}

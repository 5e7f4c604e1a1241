import { setTimeout as sleep } from "node:timers/promises";
import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { queryOne } from "./sql.ts";

export interface SendPacer {
  /** Resolves when one more message may go out under the account's rate. */
  take(): Promise<void>;
}

/**
 * Claims up to `wanted` of this second's sends for `account`. The counter lives in
 * Postgres, so every worker process draws from the same per-second allowance; the update
 * computes the grant from the row it replaces, so two claims never count the same slot.
 */
export async function claimSendSlots(
  db: Executor,
  account: string,
  wanted: number,
  perSecond: number,
): Promise<{ granted: number; windowStart: number }> {
  const row = await queryOne<{ last_grant: number; window_ms: string; inserted: boolean }>(
    db,
    sql`
    INSERT INTO send_pacing_windows AS w (account, window_start, used, last_grant)
    VALUES (${account}, date_trunc('second', clock_timestamp()),
      least(${wanted}::int, ${perSecond}::int), least(${wanted}::int, ${perSecond}::int))
    ON CONFLICT (account, window_start) DO UPDATE SET
      used = least(w.used + ${wanted}::int, ${perSecond}::int),
      last_grant = least(w.used + ${wanted}::int, ${perSecond}::int) - w.used
    RETURNING last_grant, (extract(epoch FROM window_start) * 1000)::bigint AS window_ms,
      (xmax = 0) AS inserted`,
  );
  if (!row) throw new Error("pacing claim returned nothing");
  if (row.inserted) {
    // The first claim of each second clears the account's old windows.
    await db.execute(sql`DELETE FROM send_pacing_windows
      WHERE account = ${account} AND window_start < clock_timestamp() - interval '1 minute'`);
  }
  return { granted: Number(row.last_grant), windowStart: Number(row.window_ms) };
}

/**
 * Paces one process's sends for an account. Slots are claimed a few at a time to spare
 * round trips; slots not used by the end of their second lapse, which errs on the slow side.
 */
export function createSendPacer(db: Executor, account: string, perSecond: number): SendPacer {
  const batch = Math.max(1, Math.min(50, Math.ceil(perSecond / 10)));
  let available = 0;
  let windowEnd = 0;
  let queue: Promise<void> = Promise.resolve();

  async function takeOne(): Promise<void> {
    for (;;) {
      if (available > 0 && Date.now() < windowEnd) {
        available -= 1;
        return;
      }
      const claim = await claimSendSlots(db, account, batch, perSecond);
      windowEnd = claim.windowStart + 1000;
      available = claim.granted;
      if (available > 0) continue;
      // This second is spent everywhere: wait for the next one, with a little spread so
      // every process does not claim at the same instant.
      await sleep(Math.max(5, windowEnd - Date.now()) + Math.floor(Math.random() * 20));
    }
  }

  return {
    take() {
      // One claim at a time per process; callers queue behind it.
      const next = queue.then(takeOne);
      queue = next.catch(() => {});
      return next;
    },
  };
}

import { setTimeout as sleep } from "node:timers/promises";
import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { queryOne } from "../sql.ts";

export interface Pacer {
  /** Resolves when one more message may go out from this number. */
  take(phoneNumberId: string): Promise<void>;
}

interface Allowance {
  tokens: number;
  expiresAt: number;
  refill: Promise<void> | undefined;
}

/**
 * Paces sends per WhatsApp number across every worker process with a per-second counter
 * in Postgres, keyed by the phone number id and the database's clock. Each process takes
 * a few sends at a time, so the counter costs one query per batch rather than per send;
 * sends taken but not used before their second ends are simply lost from that second.
 */
export function createPacer(db: Executor, perSecond: number): Pacer {
  const batch = Math.max(1, Math.min(20, Math.ceil(perSecond / 4)));
  const allowances = new Map<string, Allowance>();
  let lastCleanup = 0;

  async function refill(phoneNumberId: string, allowance: Allowance): Promise<void> {
    const row = await queryOne<{ granted: number | null; ms_left: number }>(
      db,
      sql`
      WITH clock AS (SELECT extract(epoch FROM clock_timestamp()) AS t),
      taken AS (
        INSERT INTO whatsapp_send_pacing AS p (phone_number_id, second, count, granted)
        SELECT ${phoneNumberId}, floor(t)::bigint, ${batch}, ${batch} FROM clock
        ON CONFLICT (phone_number_id, second) DO UPDATE SET
          granted = least(${batch}, ${perSecond} - p.count),
          count = p.count + least(${batch}, ${perSecond} - p.count)
        WHERE p.count < ${perSecond}
        RETURNING granted
      )
      SELECT (SELECT granted FROM taken) AS granted,
        ceil((floor(t) + 1 - t) * 1000)::int AS ms_left
      FROM clock`,
    );
    const granted = Number(row?.granted ?? 0);
    const msLeft = Math.max(1, Number(row?.ms_left ?? 1000));
    if (granted > 0) {
      allowance.tokens = granted;
      allowance.expiresAt = Date.now() + msLeft;
    } else {
      await sleep(msLeft);
    }
    if (Date.now() - lastCleanup > 60_000) {
      lastCleanup = Date.now();
      await db.execute(sql`DELETE FROM whatsapp_send_pacing
        WHERE second < extract(epoch FROM now())::bigint - 60`);
    }
  }

  return {
    async take(phoneNumberId) {
      let allowance = allowances.get(phoneNumberId);
      if (!allowance) {
        allowance = { tokens: 0, expiresAt: 0, refill: undefined };
        allowances.set(phoneNumberId, allowance);
      }
      for (;;) {
        if (allowance.tokens > 0 && Date.now() < allowance.expiresAt) {
          allowance.tokens -= 1;
          return;
        }
        const current = allowance;
        current.refill ??= refill(phoneNumberId, current).finally(() => {
          current.refill = undefined;
        });
        await current.refill;
      }
    },
  };
}

import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";

export type CallbackProvider = "elfo" | "meta" | "ses";

/**
 * Stores a verified callback as received; it is applied later by the report worker. A
 * callback carrying a `notificationId` already stored for its provider is a retry or a
 * replay: it resolves like a new one but is not stored again, so it applies nothing.
 */
export type StoreCallback = (
  provider: CallbackProvider,
  payload: unknown,
  notificationId?: string,
) => Promise<void>;

interface Waiting {
  provider: CallbackProvider;
  payload: string;
  notificationId: string | null;
  resolve: () => void;
  reject: (error: unknown) => void;
}

const maxBatch = 500;

/**
 * A copy whose notification id is already stored, earlier in the same batch or by another
 * process, is skipped: the unique index makes a concurrent copy wait for the first to
 * commit and then insert nothing, so duplicates never fail a batch.
 */
async function insertCallbacks(db: Executor, batch: Waiting[]): Promise<void> {
  await db.execute(sql`
    INSERT INTO inbound_callbacks (provider, payload, notification_id)
    SELECT input.provider, input.payload::jsonb, input.notification_id
    FROM unnest(${sql.param(batch.map((entry) => entry.provider))}::text[],
      ${sql.param(batch.map((entry) => entry.payload))}::text[],
      ${sql.param(batch.map((entry) => entry.notificationId))}::text[])
      AS input(provider, payload, notification_id)
    ON CONFLICT DO NOTHING`);
}

async function writeAlone(db: Executor, entry: Waiting): Promise<void> {
  try {
    await insertCallbacks(db, [entry]);
    entry.resolve();
  } catch (error) {
    entry.reject(error);
  }
}

/**
 * Writes callbacks to the inbox, one INSERT at a time. Callbacks that arrive while a write
 * is in flight wait for it and then go together in the next one, so a lone callback is
 * written at once and a burst of reports costs one statement per batch instead of one
 * transaction per request. Each caller's promise settles when its own row (or the copy
 * stored before it) is committed, so a provider is never acknowledged before its callback
 * is stored.
 */
export function createInboxWriter(db: Executor): StoreCallback {
  const queue: Waiting[] = [];
  let writing = false;

  async function writeAll(): Promise<void> {
    writing = true;
    while (queue.length > 0) {
      const batch = queue.splice(0, maxBatch);
      try {
        await insertCallbacks(db, batch);
        for (const entry of batch) entry.resolve();
      } catch (error) {
        if (batch.length === 1) batch[0]?.reject(error);
        // One callback Postgres refuses must not fail the others that shared its batch.
        else await Promise.all(batch.map((entry) => writeAlone(db, entry)));
      }
    }
    writing = false;
  }

  return (provider, payload, notificationId) =>
    new Promise<void>((resolve, reject) => {
      queue.push({
        provider,
        payload: JSON.stringify(payload),
        notificationId: notificationId ?? null,
        resolve,
        reject,
      });
      if (!writing) void writeAll();
    });
}

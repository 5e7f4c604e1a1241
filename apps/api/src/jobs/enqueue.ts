import type { Database } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { fromDrizzle, type JobInsert, type PgBoss } from "pg-boss";
import type { QueueName } from "./queues.ts";

/**
 * Inserts jobs through the caller's transaction, so the jobs exist exactly when the rows
 * they refer to do: a rollback or a crash before commit leaves neither behind.
 */
export async function enqueueInTransaction(
  boss: PgBoss,
  tx: Database,
  queue: QueueName,
  jobs: JobInsert[],
): Promise<void> {
  if (jobs.length === 0) return;
  await boss.insert(queue, jobs, { db: fromDrizzle(tx, sql) });
}

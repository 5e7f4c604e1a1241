import { PgBoss } from "pg-boss";
import type { Config } from "../env.ts";
import { queues } from "./queues.ts";

/** pg-boss keeps its tables in their own schema of the platform's database. */
export const bossSchema = "pgboss";

export function createBoss(url: string, config: Config, poolSize = 10): PgBoss {
  return new PgBoss({
    connectionString: url,
    schema: bossSchema,
    max: poolSize,
    application_name: `teekrr-${config.ROLE}-boss`,
    // Workers wake on NOTIFY when jobs commit instead of waiting for their next poll.
    useListenNotify: true,
    // Expired jobs (those of a worker that died) are only put back for retry by the
    // supervisor's monitor pass, so both intervals bound how long such a job waits.
    superviseIntervalSeconds: config.JOB_SUPERVISE_INTERVAL_SECONDS,
    monitorIntervalSeconds: config.JOB_SUPERVISE_INTERVAL_SECONDS,
  });
}

/** Creates or updates every queue's retry and expiry policy; safe to run on every start. */
export async function ensureQueues(boss: PgBoss, config: Config): Promise<void> {
  const retry = {
    retryLimit: config.JOB_RETRY_LIMIT,
    retryDelay: config.JOB_RETRY_DELAY_SECONDS,
    retryBackoff: true,
    retryDelayMax: 600,
    expireInSeconds: config.JOB_EXPIRE_SECONDS,
    notify: true,
  };
  for (const name of Object.values(queues)) {
    const existing = await boss.getQueue(name);
    if (existing) await boss.updateQueue(name, retry);
    else await boss.createQueue(name, retry);
  }
}

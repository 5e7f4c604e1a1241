import { sql } from "drizzle-orm";
import { isoTime, queryRows } from "../domain/sql.ts";
import { signingHashes } from "../domain/webhooks/endpoints.ts";
import { deliveriesChannel } from "../domain/webhooks/events.ts";
import { signatureHeaders } from "../domain/webhooks/signing.ts";
import { postWebhook } from "../domain/webhooks/transport.ts";
import { webhookUrlPolicy } from "../domain/webhooks/url-policy.ts";
import type { Platform } from "../platform.ts";
import { runPool } from "./pool.ts";
import { queues } from "./queues.ts";

interface ClaimedDelivery {
  client_id: string;
  id: string;
  endpoint_id: string;
  event: string;
  message_id: string | null;
  body: string;
  attempts: number;
  url: string | null;
  active: boolean | null;
  secret_hash: string | null;
  previous_secret_hash: string | null;
  previous_secret_expires_at: string | null;
}

/** A claimed delivery is hidden from other workers this long; past it, a crash is retried. */
const leaseSeconds = 60;
const claimBatch = 100;

export function retrySchedule(platform: Platform): number[] {
  return platform.config.WEBHOOK_RETRY_SCHEDULE_SECONDS.split(",").map(Number);
}

/**
 * Claims due deliveries with SKIP LOCKED and a lease, so any number of workers drain the
 * outbox together without posting one delivery twice at the same time.
 */
async function claimDue(platform: Platform): Promise<ClaimedDelivery[]> {
  return await queryRows<ClaimedDelivery>(
    platform.database.db,
    sql`
    WITH due AS (
      SELECT client_id, id FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= now()
      ORDER BY next_attempt_at LIMIT ${claimBatch} FOR UPDATE SKIP LOCKED
    ), claimed AS (
      UPDATE webhook_deliveries d SET attempts = d.attempts + 1,
        next_attempt_at = now() + ${leaseSeconds} * interval '1 second'
      FROM due WHERE d.client_id = due.client_id AND d.id = due.id
      RETURNING d.client_id, d.id, d.endpoint_id, d.event, d.message_id, d.body, d.attempts
    )
    SELECT c.*, e.url, e.active, e.secret_hash, e.previous_secret_hash,
      e.previous_secret_expires_at
    FROM claimed c LEFT JOIN webhook_endpoints e
      ON e.client_id = c.client_id AND e.id = c.endpoint_id`,
  );
}

/** Posts every due delivery, batch after batch, until none is due. */
export async function drainWebhookDeliveries(platform: Platform): Promise<number> {
  const policy = webhookUrlPolicy(platform.config);
  let total = 0;
  for (;;) {
    const batch = await claimDue(platform);
    if (batch.length === 0) return total;
    await runPool(batch, platform.config.WEBHOOK_CONCURRENCY, async (delivery) => {
      await attemptDelivery(platform, policy, delivery);
    });
    total += batch.length;
  }
}

async function attemptDelivery(
  platform: Platform,
  policy: ReturnType<typeof webhookUrlPolicy>,
  delivery: ClaimedDelivery,
): Promise<void> {
  const { db } = platform.database;
  const log = platform.logger.child({ clientId: delivery.client_id, deliveryId: delivery.id });
  const isTest = delivery.message_id === null;
  if (!delivery.url || !delivery.secret_hash || (!delivery.active && !isTest)) {
    await db.execute(sql`
      UPDATE webhook_deliveries SET status = 'failed', completed_at = now(),
        last_error = ${delivery.url ? "Endpoint is disabled" : "Endpoint was deleted"}
      WHERE client_id = ${delivery.client_id} AND id = ${delivery.id}`);
    return;
  }

  const headers = signatureHeaders({
    deliveryId: delivery.id,
    event: delivery.event,
    body: delivery.body,
    secretHashes: signingHashes({
      secretHash: delivery.secret_hash,
      previousSecretHash: delivery.previous_secret_hash,
      previousSecretExpiresAt: delivery.previous_secret_expires_at
        ? new Date(isoTime(delivery.previous_secret_expires_at))
        : null,
    }),
    timestamp: Math.floor(Date.now() / 1000),
  });
  const result = await postWebhook(
    delivery.url,
    headers,
    delivery.body,
    policy,
    platform.config.WEBHOOK_TIMEOUT_MS,
  );

  const schedule = retrySchedule(platform);
  const delay = schedule[delivery.attempts - 1];
  const finalFailure = !result.ok && delay === undefined;
  await platform.database.transaction(async ({ tx }) => {
    await tx.execute(sql`
      INSERT INTO webhook_attempts (client_id, delivery_id, attempt, status_code, latency_ms,
        response_excerpt, error)
      VALUES (${delivery.client_id}, ${delivery.id}, ${delivery.attempts}, ${result.statusCode},
        ${result.latencyMs}, ${result.excerpt}, ${result.error})
      ON CONFLICT DO NOTHING`);
    await tx.execute(sql`
      UPDATE webhook_deliveries SET
        status = ${result.ok ? "succeeded" : finalFailure ? "failed" : "pending"},
        last_status_code = ${result.statusCode}, last_error = ${result.error},
        next_attempt_at = now() + ${delay ?? 0} * interval '1 second',
        completed_at = ${result.ok || finalFailure ? sql`now()` : null}
      WHERE client_id = ${delivery.client_id} AND id = ${delivery.id}`);
    if (isTest) return;
    if (result.ok) {
      await tx.execute(sql`
        UPDATE webhook_endpoints SET failing_since = NULL
        WHERE client_id = ${delivery.client_id} AND id = ${delivery.endpoint_id}
          AND failing_since IS NOT NULL`);
      return;
    }
    await tx.execute(sql`
      UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now()),
        active = CASE WHEN failing_since < now() - ${platform.config.WEBHOOK_DISABLE_AFTER_SECONDS}
          * interval '1 second' THEN false ELSE active END,
        disabled_reason = CASE WHEN failing_since < now() - ${platform.config.WEBHOOK_DISABLE_AFTER_SECONDS}
          * interval '1 second' THEN 'Every delivery failed for too long' ELSE disabled_reason END,
        disabled_at = CASE WHEN failing_since < now() - ${platform.config.WEBHOOK_DISABLE_AFTER_SECONDS}
          * interval '1 second' THEN now() ELSE disabled_at END
      WHERE client_id = ${delivery.client_id} AND id = ${delivery.endpoint_id} AND active`);
  });
  if (!result.ok) {
    const fields = { attempt: delivery.attempts, status: result.statusCode, error: result.error };
    if (finalFailure) log.error(fields, "webhook delivery failed for good");
    else log.warn(fields, "webhook delivery failed; will retry");
  }
}

/**
 * Starts the deliver worker. It wakes when a transaction that queued deliveries commits
 * (Postgres NOTIFY), when the earliest retry falls due, and once a minute in case a
 * wake-up was missed, so no delivery waits on one process's memory.
 */
export async function startWebhookWorker(platform: Platform): Promise<void> {
  const { boss, logger } = platform;
  let retryTimer: NodeJS.Timeout | undefined;
  let stopped = false;

  // Wake-ups arriving together share one job; each job drains everything that is due.
  let wakePending: NodeJS.Timeout | undefined;
  const wake = () => {
    if (stopped || wakePending) return;
    wakePending = setTimeout(() => {
      wakePending = undefined;
      boss
        .send(queues.webhookDeliver, {})
        // A lost wake-up (say, during shutdown) is covered by the minutely one.
        .catch((error: unknown) => logger.debug({ err: error }, "could not wake webhook worker"));
    }, 50);
  };

  const scheduleNextRetry = async () => {
    const [next] = await queryRows<{ wait_ms: string | null }>(
      platform.database.db,
      sql`SELECT greatest(0, extract(epoch FROM min(next_attempt_at) - now()) * 1000) AS wait_ms
        FROM webhook_deliveries WHERE status = 'pending'`,
    );
    if (next?.wait_ms == null || stopped) return;
    clearTimeout(retryTimer);
    retryTimer = setTimeout(wake, Math.min(Number(next.wait_ms) + 50, 60_000));
    retryTimer.unref();
  };

  await boss.work(
    queues.webhookDeliver,
    { localConcurrency: 2, pollingIntervalSeconds: 1 },
    async () => {
      await drainWebhookDeliveries(platform);
      await scheduleNextRetry();
    },
  );
  await boss.schedule(queues.webhookDeliver, "* * * * *");

  const listener = await platform.database.sql.listen(deliveriesChannel, wake);
  boss.on("stopped", () => {
    stopped = true;
    clearTimeout(retryTimer);
    void listener.unlisten().catch(() => {});
  });
  wake();
}

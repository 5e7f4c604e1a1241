import type { Database } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { isoTime, queryRows } from "../domain/sql.ts";
import { type AttemptOutcome, recordAttempts } from "../domain/webhooks/attempts.ts";
import { signingHashes } from "../domain/webhooks/endpoints.ts";
import { deliveriesChannel } from "../domain/webhooks/events.ts";
import { signatureHeaders } from "../domain/webhooks/signing.ts";
import { postWebhook } from "../domain/webhooks/transport.ts";
import {
  vetWebhookUrl,
  type WebhookUrlPolicy,
  webhookUrlPolicy,
} from "../domain/webhooks/url-policy.ts";
import type { Platform } from "../platform.ts";
import { createLimiter, type Limiter } from "./limiter.ts";
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

const claimBatch = 200;

export function retrySchedule(platform: Platform): number[] {
  return platform.config.WEBHOOK_RETRY_SCHEDULE_SECONDS.split(",").map(Number);
}

/**
 * Takes due deliveries with FOR UPDATE SKIP LOCKED inside the transaction that records
 * their outcome, so the row lock is the claim: any number of workers drain the outbox
 * together, no delivery is posted twice at once, nothing is written to claim it, and a
 * worker that dies mid-batch releases its deliveries as soon as its connection drops.
 */
async function claimDue(tx: Database): Promise<ClaimedDelivery[]> {
  // Right after a burst is queued the planner's statistics still describe a nearly empty
  // outbox, so it would fetch and sort every pending row on each claim. The due index
  // already yields rows in order, and walking it stops after the first batch. The setting
  // lasts for this transaction, whose other statements all go by primary key.
  await tx.execute(sql`SET LOCAL enable_bitmapscan = off`);
  const claimed = await queryRows<ClaimedDelivery>(
    tx,
    sql`
    WITH due AS (
      SELECT client_id, id, endpoint_id, event, message_id, body, attempts, next_attempt_at
      FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= now()
      ORDER BY next_attempt_at LIMIT ${claimBatch}
      FOR UPDATE SKIP LOCKED)
    SELECT d.client_id, d.id, d.endpoint_id, d.event, d.message_id, d.body,
      d.attempts + 1 AS attempts, e.url, e.active, e.secret_hash, e.previous_secret_hash,
      e.previous_secret_expires_at
    FROM due d LEFT JOIN webhook_endpoints e ON e.client_id = d.client_id AND e.id = d.endpoint_id
    ORDER BY d.next_attempt_at`,
  );
  return claimed;
}

/**
 * Lanes, each holding one claimed batch in its own transaction: while one claims or
 * records, the other two keep the request slots busy.
 */
const lanes = 3;

/**
 * Posts every due delivery until none is due. Each lane claims a batch, posts it and
 * records the outcome; all lanes post through one limiter of `WEBHOOK_CONCURRENCY`
 * requests, so while one lane waits for its slowest request or writes its attempts, the
 * others keep every request slot busy.
 */
export async function drainWebhookDeliveries(platform: Platform): Promise<number> {
  const limiter = createLimiter(platform.config.WEBHOOK_CONCURRENCY);
  const totals = await Promise.all(
    Array.from({ length: lanes }, () => drainLane(platform, limiter)),
  );
  return totals.reduce((sum, total) => sum + total, 0);
}

/** What every attempt of one batch shares. */
interface BatchContext {
  platform: Platform;
  policy: WebhookUrlPolicy;
  schedule: number[];
  /** One DNS check per URL and batch: the check still happens at delivery time. */
  vet: (url: string) => ReturnType<typeof vetWebhookUrl>;
}

async function drainLane(platform: Platform, limiter: Limiter): Promise<number> {
  const policy = webhookUrlPolicy(platform.config);
  const schedule = retrySchedule(platform);
  let total = 0;
  for (;;) {
    const outcomes = await platform.database.transaction(async ({ tx }) => {
      const batch = await claimDue(tx);
      const vetted = new Map<string, ReturnType<typeof vetWebhookUrl>>();
      const vet = (url: string) => {
        let check = vetted.get(url);
        if (!check) {
          check = vetWebhookUrl(url, policy);
          check.catch(() => {});
          vetted.set(url, check);
        }
        return check;
      };
      const context: BatchContext = { platform, policy, schedule, vet };
      const done = await Promise.all(
        batch.map((delivery) => limiter.run(() => attemptDelivery(context, delivery))),
      );
      await recordAttempts(tx, done, platform.config.WEBHOOK_DISABLE_AFTER_SECONDS);
      return done;
    });
    if (outcomes.length === 0) return total;
    logFailures(platform, outcomes);
    total += outcomes.length;
  }
}

async function attemptDelivery(
  { platform, policy, schedule, vet }: BatchContext,
  delivery: ClaimedDelivery,
): Promise<AttemptOutcome> {
  const isTest = delivery.message_id === null;
  const outcome: AttemptOutcome = {
    clientId: delivery.client_id,
    deliveryId: delivery.id,
    endpointId: delivery.endpoint_id,
    attempt: delivery.attempts,
    isTest,
    retryDelay: schedule[delivery.attempts - 1],
    result: null,
  };
  if (!delivery.url || !delivery.secret_hash || (!delivery.active && !isTest)) {
    return { ...outcome, skipped: delivery.url ? "Endpoint is disabled" : "Endpoint was deleted" };
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
    vet,
  );
  return { ...outcome, result };
}

function logFailures(platform: Platform, outcomes: AttemptOutcome[]): void {
  for (const outcome of outcomes) {
    if (!outcome.result || outcome.result.ok) continue;
    const log = platform.logger.child({
      clientId: outcome.clientId,
      deliveryId: outcome.deliveryId,
    });
    const fields = {
      attempt: outcome.attempt,
      status: outcome.result.statusCode,
      error: outcome.result.error,
    };
    if (outcome.retryDelay === undefined) log.error(fields, "webhook delivery failed for good");
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

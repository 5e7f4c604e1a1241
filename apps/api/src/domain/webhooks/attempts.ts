import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";
import type { PostResult } from "./transport.ts";

/** What one attempt did: posted (with its result), or not posted because of its endpoint. */
export interface AttemptOutcome {
  clientId: string;
  deliveryId: string;
  endpointId: string;
  attempt: number;
  isTest: boolean;
  /** Seconds until the next attempt, or undefined when the schedule is spent. */
  retryDelay: number | undefined;
  result: PostResult | null;
  /** Why nothing was posted: the endpoint was deleted or disabled. */
  skipped?: string;
}

type Column<T> = (outcome: AttemptOutcome) => T;

function column<T>(outcomes: AttemptOutcome[], pick: Column<T>) {
  return sql.param(outcomes.map(pick));
}

/**
 * Writes a whole batch of attempts in one transaction: the attempt log, each delivery's
 * new state, and each endpoint's failing streak. Per-delivery transactions made the
 * database, not the receivers, the limit on how fast webhooks went out.
 */
export async function recordAttempts(
  db: Executor,
  outcomes: AttemptOutcome[],
  disableAfterSeconds: number,
): Promise<void> {
  const skipped = outcomes.filter((outcome) => outcome.skipped);
  const posted = outcomes.filter((outcome) => outcome.result);

  if (skipped.length > 0) {
    await db.execute(sql`
      UPDATE webhook_deliveries d SET status = 'failed', completed_at = now(), last_error = i.reason
      FROM unnest(${column(skipped, (o) => o.clientId)}::uuid[],
        ${column(skipped, (o) => o.deliveryId)}::uuid[],
        ${column(skipped, (o) => o.skipped)}::text[]) AS i(client_id, id, reason)
      WHERE d.client_id = i.client_id AND d.id = i.id`);
  }
  if (posted.length === 0) return;

  const result = (o: AttemptOutcome) => o.result as PostResult;
  const finalState = (o: AttemptOutcome) =>
    result(o).ok ? "succeeded" : o.retryDelay === undefined ? "failed" : "pending";

  // The log numbers attempts across the delivery's whole life: a re-send by hand starts the
  // retry schedule again, but its attempts are added after the earlier ones. The claim's
  // row lock on the delivery means no other transaction logs an attempt of it meanwhile.
  await db.execute(sql`
    INSERT INTO webhook_attempts (client_id, delivery_id, attempt, status_code, latency_ms,
      response_excerpt, error)
    SELECT i.client_id, i.delivery_id,
      coalesce((SELECT max(a.attempt) FROM webhook_attempts a
        WHERE a.client_id = i.client_id AND a.delivery_id = i.delivery_id), 0) + 1,
      i.status_code, i.latency_ms, i.excerpt, i.error
    FROM unnest(${column(posted, (o) => o.clientId)}::uuid[],
      ${column(posted, (o) => o.deliveryId)}::uuid[],
      ${column(posted, (o) => result(o).statusCode)}::int[],
      ${column(posted, (o) => result(o).latencyMs)}::int[],
      ${column(posted, (o) => result(o).excerpt)}::text[],
      ${column(posted, (o) => result(o).error)}::text[])
      AS i(client_id, delivery_id, status_code, latency_ms, excerpt, error)`);

  await db.execute(sql`
    UPDATE webhook_deliveries d SET status = i.state, attempts = i.attempt,
      last_status_code = i.status_code, last_error = i.error,
      next_attempt_at = now() + i.delay * interval '1 second',
      completed_at = CASE WHEN i.state = 'pending' THEN NULL ELSE now() END
    FROM unnest(${column(posted, (o) => o.clientId)}::uuid[],
      ${column(posted, (o) => o.deliveryId)}::uuid[], ${column(posted, finalState)}::text[],
      ${column(posted, (o) => result(o).statusCode)}::int[],
      ${column(posted, (o) => result(o).error)}::text[],
      ${column(posted, (o) => o.retryDelay ?? 0)}::float8[],
      ${column(posted, (o) => o.attempt)}::int[])
      AS i(client_id, id, state, status_code, error, delay, attempt)
    WHERE d.client_id = i.client_id AND d.id = i.id`);

  // Test events say nothing about an endpoint's health.
  const real = posted.filter((outcome) => !outcome.isTest);
  const healthy = [...new Set(real.filter((o) => result(o).ok).map((o) => o.endpointId))];
  const failing = [...new Set(real.filter((o) => !result(o).ok).map((o) => o.endpointId))].filter(
    (endpointId) => !healthy.includes(endpointId),
  );
  if (healthy.length > 0) {
    await db.execute(sql`
      UPDATE webhook_endpoints SET failing_since = NULL
      WHERE id = ANY(${sql.param(healthy)}::uuid[]) AND failing_since IS NOT NULL`);
  }
  if (failing.length > 0) {
    const tooLong = sql`failing_since < now() - ${disableAfterSeconds} * interval '1 second'`;
    await db.execute(sql`
      UPDATE webhook_endpoints SET failing_since = coalesce(failing_since, now()),
        active = CASE WHEN ${tooLong} THEN false ELSE active END,
        disabled_reason = CASE WHEN ${tooLong} THEN 'Every delivery failed for too long'
          ELSE disabled_reason END,
        disabled_at = CASE WHEN ${tooLong} THEN now() ELSE disabled_at END
      WHERE id = ANY(${sql.param(failing)}::uuid[]) AND active`);
  }
}

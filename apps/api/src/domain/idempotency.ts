import type { Executor } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { queryOne } from "./sql.ts";

/** How long a key is remembered. */
export const idempotencyWindowHours = 24;
/** An in-flight claim this old belongs to a request that died before committing anything. */
const abandonedAfterSeconds = 300;

export interface IdempotencyScope {
  clientId: string;
  route: string;
  key: string;
  requestHash: string;
}

export type ClaimResult =
  | { kind: "claimed" }
  | { kind: "replay"; status: number; body: unknown }
  | { kind: "in_flight" }
  | { kind: "mismatch" };

/**
 * Claims a key with an insert, so of two concurrent requests exactly one proceeds. A key
 * past its window, or an in-flight claim abandoned long ago, is taken over by the update.
 * A claim still `in_flight` has committed nothing: the request's own transaction moves it
 * to `committed`, so taking it over cannot create a second broadcast.
 */
export async function claimIdempotencyKey(
  db: Executor,
  scope: IdempotencyScope,
): Promise<ClaimResult> {
  const claimed = await queryOne<{ claimed: boolean }>(
    db,
    sql`
    INSERT INTO idempotency_keys (client_id, route, key, request_hash)
    VALUES (${scope.clientId}, ${scope.route}, ${scope.key}, ${scope.requestHash})
    ON CONFLICT (client_id, route, key) DO UPDATE SET
      request_hash = excluded.request_hash, state = 'in_flight', response_status = NULL,
      response_body = NULL, created_at = now()
    WHERE idempotency_keys.created_at < now() - ${idempotencyWindowHours} * interval '1 hour'
      OR (idempotency_keys.state = 'in_flight'
        AND idempotency_keys.created_at < now() - ${abandonedAfterSeconds} * interval '1 second')
    RETURNING true AS claimed`,
  );
  if (claimed) return { kind: "claimed" };

  const existing = await queryOne<{
    request_hash: string;
    state: string;
    response_status: number | null;
    response_body: unknown;
  }>(
    db,
    sql`SELECT request_hash, state, response_status, response_body FROM idempotency_keys
      WHERE client_id = ${scope.clientId} AND route = ${scope.route} AND key = ${scope.key}`,
  );
  // Released between the insert and this read: the caller tries to claim again.
  if (!existing) return { kind: "in_flight" };
  if (existing.request_hash !== scope.requestHash) return { kind: "mismatch" };
  if (existing.state === "done" && existing.response_status !== null) {
    return { kind: "replay", status: existing.response_status, body: existing.response_body };
  }
  return { kind: "in_flight" };
}

/** Marks the claim as committed; run inside the transaction that does the request's work. */
export async function markIdempotencyCommitted(db: Executor, scope: IdempotencyScope) {
  await db.execute(sql`UPDATE idempotency_keys SET state = 'committed'
    WHERE client_id = ${scope.clientId} AND route = ${scope.route} AND key = ${scope.key}`);
}

export async function storeIdempotentResponse(
  db: Executor,
  scope: IdempotencyScope,
  status: number,
  body: unknown,
): Promise<void> {
  await db.execute(sql`UPDATE idempotency_keys SET state = 'done', response_status = ${status},
      response_body = ${JSON.stringify(body)}::jsonb
    WHERE client_id = ${scope.clientId} AND route = ${scope.route} AND key = ${scope.key}`);
}

/** Forgets a claim whose request failed before committing, so the client can try again. */
export async function releaseIdempotencyKey(db: Executor, scope: IdempotencyScope) {
  await db.execute(sql`DELETE FROM idempotency_keys
    WHERE client_id = ${scope.clientId} AND route = ${scope.route} AND key = ${scope.key}
      AND state = 'in_flight'`);
}

export function idempotencyConflict(inFlight: boolean): AppError {
  return new AppError(
    "idempotency_conflict",
    inFlight ? "A request with this Idempotency-Key is still being processed" : undefined,
  );
}

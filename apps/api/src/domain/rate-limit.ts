import type { Executor } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { queryOne } from "./sql.ts";

export interface RateLimitRule {
  bucket: string;
  limit: number;
  windowSeconds: number;
}

export interface RateLimitState {
  limit: number;
  remaining: number;
  resetSeconds: number;
}

function windowOf(rule: RateLimitRule, now = Date.now()) {
  const windowMs = rule.windowSeconds * 1000;
  const start = Math.floor(now / windowMs) * windowMs;
  return {
    start: new Date(start),
    resetSeconds: Math.max(1, Math.ceil((start + windowMs - now) / 1000)),
  };
}

export function rateLimitHeaders(state: RateLimitState): Record<string, string> {
  return {
    "RateLimit-Limit": String(state.limit),
    "RateLimit-Remaining": String(state.remaining),
    "RateLimit-Reset": String(state.resetSeconds),
  };
}

function refusal(state: RateLimitState): AppError {
  const error = new AppError("rate_limited");
  error.headers = { ...rateLimitHeaders(state), "Retry-After": String(state.resetSeconds) };
  return error;
}

/** Reads the client's window without counting, to refuse early before any work is done. */
export async function peekRateLimit(
  db: Executor,
  clientId: string,
  rule: RateLimitRule,
): Promise<RateLimitState> {
  const state = await readRateLimit(db, clientId, rule);
  if (state.remaining === 0) throw refusal(state);
  return state;
}

/** The client's window as it stands, without refusing anything. */
export async function readRateLimit(
  db: Executor,
  clientId: string,
  rule: RateLimitRule,
): Promise<RateLimitState> {
  const window = windowOf(rule);
  const row = await queryOne<{ count: number }>(
    db,
    sql`SELECT count FROM rate_limit_counters
      WHERE client_id = ${clientId} AND bucket = ${rule.bucket}
        AND window_start = ${window.start.toISOString()}`,
  );
  return {
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - (row?.count ?? 0)),
    resetSeconds: window.resetSeconds,
  };
}

/**
 * Counts one request against the client's window. Called inside the transaction that
 * creates the request's work, so only accepted requests count and a refused one leaves
 * no row behind. The guarded upsert serialises concurrent requests on the counter row.
 */
export async function consumeRateLimit(
  db: Executor,
  clientId: string,
  rule: RateLimitRule,
): Promise<RateLimitState> {
  const window = windowOf(rule);
  const row = await queryOne<{ count: number }>(
    db,
    sql`INSERT INTO rate_limit_counters (client_id, bucket, window_start, count)
      VALUES (${clientId}, ${rule.bucket}, ${window.start.toISOString()}, 1)
      ON CONFLICT (client_id, bucket, window_start)
      DO UPDATE SET count = rate_limit_counters.count + 1
      WHERE rate_limit_counters.count < ${rule.limit}
      RETURNING count`,
  );
  const state = {
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - (row?.count ?? rule.limit)),
    resetSeconds: window.resetSeconds,
  };
  if (!row) throw refusal(state);
  return state;
}

/** Drops windows that ended long ago; run by a periodic sweep. */
export async function sweepRateLimits(db: Executor): Promise<void> {
  await db.execute(
    sql`DELETE FROM rate_limit_counters WHERE window_start < now() - interval '1 day'`,
  );
}

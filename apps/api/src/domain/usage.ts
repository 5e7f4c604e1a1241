import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";
import type { Logger } from "../logger.ts";
import { decodeCursor, encodeCursor } from "./cursor.ts";
import { isoTime, queryRows } from "./sql.ts";

export interface UsageEntry {
  clientId: string;
  keyId: string | null;
  method: string;
  path: string;
  status: number;
  latencyMs: number;
  requestId: string;
  at: Date;
}

/**
 * Collects usage rows in memory and writes them in one insert per second (or per batch
 * of rows), so logging a call costs the request nothing but an array push.
 * Limitation: rows still in the buffer when a process crashes are lost.
 */
export function createUsageRecorder(
  db: Executor,
  logger: Logger,
  options: { maxRows: number; intervalMs: number },
) {
  let buffer: UsageEntry[] = [];
  let flushing: Promise<void> = Promise.resolve();

  async function write(rows: UsageEntry[]): Promise<void> {
    if (rows.length === 0) return;
    try {
      await db.execute(sql`
        INSERT INTO api_usage (client_id, key_id, method, path, status, latency_ms, request_id,
          created_at)
        SELECT client_id, key_id, method, path, status::int, latency_ms::int, request_id,
          created_at::timestamptz
        FROM unnest(${sql.param(rows.map((r) => r.clientId))}::uuid[],
          ${sql.param(rows.map((r) => r.keyId))}::uuid[],
          ${sql.param(rows.map((r) => r.method))}::text[],
          ${sql.param(rows.map((r) => r.path))}::text[],
          ${sql.param(rows.map((r) => String(r.status)))}::text[],
          ${sql.param(rows.map((r) => String(r.latencyMs)))}::text[],
          ${sql.param(rows.map((r) => r.requestId))}::text[],
          ${sql.param(rows.map((r) => r.at.toISOString()))}::text[])
          AS input(client_id, key_id, method, path, status, latency_ms, request_id, created_at)`);
      await markKeysUsed(db, rows);
    } catch (error) {
      logger.warn({ err: error, rows: rows.length }, "could not write usage log");
    }
  }

  function flush(): Promise<void> {
    const rows = buffer;
    buffer = [];
    flushing = flushing.then(() => write(rows));
    return flushing;
  }

  const timer = setInterval(() => void flush(), options.intervalMs);
  timer.unref();

  return {
    record(entry: UsageEntry): void {
      buffer.push(entry);
      if (buffer.length >= options.maxRows) void flush();
    },
    flush,
    async close(): Promise<void> {
      clearInterval(timer);
      await flush();
    },
  };
}
export type UsageRecorder = ReturnType<typeof createUsageRecorder>;

/**
 * Moves each key's `last_used_at` to its latest call in the batch: one statement per
 * flush rather than a write on every request's path.
 */
async function markKeysUsed(db: Executor, rows: UsageEntry[]): Promise<void> {
  const latest = new Map<string, UsageEntry>();
  for (const row of rows) {
    if (!row.keyId) continue;
    const seen = latest.get(row.keyId);
    if (!seen || seen.at < row.at) latest.set(row.keyId, row);
  }
  if (latest.size === 0) return;
  const entries = [...latest.values()];
  await db.execute(sql`
    UPDATE api_keys k SET last_used_at = input.at::timestamptz
    FROM unnest(${sql.param(entries.map((e) => e.clientId))}::uuid[],
      ${sql.param(entries.map((e) => e.keyId))}::uuid[],
      ${sql.param(entries.map((e) => e.at.toISOString()))}::text[]) AS input(client_id, id, at)
    WHERE k.client_id = input.client_id AND k.id = input.id
      AND (k.last_used_at IS NULL OR k.last_used_at < input.at::timestamptz)`);
}

/** A client's API calls, newest first, a page at a time. */
export async function listUsage(
  db: Executor,
  clientId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  const before = page.cursor ? Number(decodeCursor(page.cursor, ["id"]).id) : null;
  const rows = await queryRows<{
    id: string;
    key_id: string | null;
    method: string;
    path: string;
    status: number;
    latency_ms: number;
    request_id: string;
    created_at: string;
  }>(
    db,
    sql`SELECT id, key_id, method, path, status, latency_ms, request_id, created_at
      FROM api_usage WHERE client_id = ${clientId}
        ${before !== null && Number.isSafeInteger(before) ? sql`AND id < ${before}` : sql``}
      ORDER BY id DESC LIMIT ${page.limit + 1}`,
  );
  const items = rows.slice(0, page.limit);
  const last = items.at(-1);
  return {
    items: items.map((row) => ({
      method: row.method,
      path: row.path,
      status: row.status,
      latencyMs: row.latency_ms,
      keyId: row.key_id,
      requestId: row.request_id,
      at: isoTime(row.created_at),
    })),
    nextCursor: rows.length > page.limit && last ? encodeCursor({ id: Number(last.id) }) : null,
  };
}

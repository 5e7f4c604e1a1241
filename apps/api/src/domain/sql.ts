import type { Executor } from "@teekrr/db";
import type { SQL } from "drizzle-orm";

/** Runs a hand-written statement and returns its rows, typed by the caller. */
export async function queryRows<Row>(db: Executor, query: SQL): Promise<Row[]> {
  const result = await db.execute(query);
  return result as unknown as Row[];
}

export async function queryOne<Row>(db: Executor, query: SQL): Promise<Row | undefined> {
  const rows = await queryRows<Row>(db, query);
  return rows[0];
}

/**
 * Timestamps from hand-written queries arrive as Postgres text (drizzle turns off the
 * driver's date parsing); this renders them, or a Date, as ISO 8601 in UTC.
 */
export function isoTime(value: string | Date): string;
export function isoTime(value: string | Date | null): string | null;
export function isoTime(value: string | Date | null): string | null {
  if (value === null) return null;
  if (value instanceof Date) return value.toISOString();
  const iso = value.replace(" ", "T").replace(/([+-]\d{2})$/, "$1:00");
  return new Date(iso).toISOString();
}

/**
 * Whether `error` is Postgres's unique violation (23505). Drizzle wraps the driver's error
 * in its own, with the original as `cause`, so both are looked at.
 */
export function isUniqueViolation(error: unknown): boolean {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } | null };
  return code === "23505" || cause?.code === "23505";
}

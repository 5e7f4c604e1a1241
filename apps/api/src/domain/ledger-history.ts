import type { Executor, ledgerKinds } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { isoTime, queryRows } from "./sql.ts";

export type LedgerKind = (typeof ledgerKinds)[number];

export interface LedgerFilter {
  kinds?: LedgerKind[];
  /** Inclusive calendar dates in Malaysian time, `YYYY-MM-DD`. */
  from?: string;
  to?: string;
  limit?: number;
  /** Entries with an id below this one: the next page of a newest-first listing. */
  before?: number;
}

interface EntryRow {
  id: string;
  kind: LedgerKind;
  debit_account: string;
  credit_account: string;
  amount: string;
  broadcast_id: string | null;
  message_count: number | null;
  reason: string | null;
  actor: string | null;
  created_at: string;
}

function filterClause(clientId: string, filter: LedgerFilter) {
  const local = sql`(created_at AT TIME ZONE 'Asia/Kuala_Lumpur')::date`;
  return sql.join(
    [
      sql`client_id = ${clientId}`,
      filter.kinds?.length ? sql`kind = ANY(${sql.param(filter.kinds)}::text[])` : null,
      filter.from ? sql`${local} >= ${filter.from}::date` : null,
      filter.to ? sql`${local} <= ${filter.to}::date` : null,
      filter.before ? sql`id < ${filter.before}` : null,
    ].filter((part) => part !== null),
    sql` AND `,
  );
}

/**
 * Ledger entries, newest first. `signed` is the entry's effect on what the client can
 * spend: positive for top-ups and releases, negative for reservations.
 */
export async function listLedgerEntries(db: Executor, clientId: string, filter: LedgerFilter) {
  const rows = await queryRows<EntryRow>(
    db,
    sql`SELECT id, kind, debit_account, credit_account, amount, broadcast_id, message_count,
        reason, actor, created_at
      FROM ledger_entries WHERE ${filterClause(clientId, filter)}
      ORDER BY id DESC LIMIT ${Math.min(filter.limit ?? 100, 5000)}`,
  );
  return rows.map((row) => {
    const amount = Number(row.amount);
    const signed =
      row.credit_account === "available" ? amount : row.debit_account === "available" ? -amount : 0;
    return {
      id: Number(row.id),
      kind: row.kind,
      debit: row.debit_account,
      credit: row.credit_account,
      amount,
      signed,
      broadcastUuid: row.broadcast_id,
      messageCount: row.message_count,
      reason: row.reason,
      actor: row.actor,
      createdAt: isoTime(row.created_at),
    };
  });
}
export type LedgerEntryView = Awaited<ReturnType<typeof listLedgerEntries>>[number];

/** Settled spending per Malaysian calendar day over the last `days` days, zero-filled. */
export async function dailySpend(db: Executor, clientId: string, days: number) {
  const rows = await queryRows<{ day: string; settled: string; reserved: string }>(
    db,
    sql`WITH span AS (
        SELECT generate_series(
          (now() AT TIME ZONE 'Asia/Kuala_Lumpur')::date - ${days - 1}::int,
          (now() AT TIME ZONE 'Asia/Kuala_Lumpur')::date, interval '1 day')::date AS day)
      SELECT span.day::text AS day,
        coalesce(sum(l.amount) FILTER (WHERE l.kind = 'settlement'), 0) AS settled,
        coalesce(sum(l.amount) FILTER (WHERE l.kind = 'reservation'), 0) AS reserved
      FROM span LEFT JOIN ledger_entries l ON l.client_id = ${clientId}
        AND (l.created_at AT TIME ZONE 'Asia/Kuala_Lumpur')::date = span.day
      GROUP BY span.day ORDER BY span.day`,
  );
  return rows.map((row) => ({
    day: row.day,
    settled: Number(row.settled),
    reserved: Number(row.reserved),
  }));
}

function csvCell(value: unknown): string {
  const text = value === null || value === undefined ? "" : String(value);
  // A leading formula character is neutralised so a spreadsheet never evaluates it.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function toCsv(header: string[], rows: unknown[][]): string {
  return [header, ...rows]
    .map((row) => row.map(csvCell).join(","))
    .join("\r\n")
    .concat("\r\n");
}

/** A billing cycle's statement: every ledger entry of the month that starts on `cycleStart`. */
export async function cycleStatementCsv(db: Executor, clientId: string, cycleStart: string) {
  const rows = await queryRows<EntryRow>(
    db,
    sql`SELECT id, kind, debit_account, credit_account, amount, broadcast_id, message_count,
        reason, actor, created_at
      FROM ledger_entries
      WHERE client_id = ${clientId}
        AND (created_at AT TIME ZONE 'Asia/Kuala_Lumpur')::date >= ${cycleStart}::date
        AND (created_at AT TIME ZONE 'Asia/Kuala_Lumpur')::date
          < (${cycleStart}::date + interval '1 month')::date
      ORDER BY id`,
  );
  return toCsv(
    ["id", "time", "kind", "from", "to", "amount_sen", "broadcast", "messages", "reason", "actor"],
    rows.map((row) => [
      row.id,
      isoTime(row.created_at),
      row.kind,
      row.debit_account,
      row.credit_account,
      row.amount,
      row.broadcast_id,
      row.message_count,
      row.reason,
      row.actor,
    ]),
  );
}

import type { Executor } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { currentCycleStart } from "./ledger.ts";
import { queryOne, queryRows } from "./sql.ts";

export interface CreditSummary {
  clientId: string;
  name: string;
  billing: "prepaid" | "postpaid";
  balance: number;
  reserved: number;
  settledThisCycle: number;
  cycleStart: string;
  spendingCap: number | null;
  /** Postpaid: accrued this cycle plus what is still reserved. */
  capUsed: number | null;
  /** What a new broadcast may cost right now: the balance, or what the cap leaves. */
  available: number;
  rates: { sms: number; whatsapp: number; email: number };
}

interface SummaryRow {
  id: string;
  name: string;
  billing: "prepaid" | "postpaid";
  credit_balance: string;
  credit_reserved: string;
  spending_cap: string | null;
  accrued: string;
  cycle_start: string;
  settled: string;
  sms_rate: number;
  whatsapp_rate: number;
  email_rate: number;
}

const summaryColumns = sql`
  c.id, c.name, c.billing, c.credit_balance, c.credit_reserved, c.spending_cap,
  c.sms_rate, c.whatsapp_rate, c.email_rate,
  ${currentCycleStart}::text AS cycle_start,
  (CASE WHEN c.cycle_start < ${currentCycleStart} THEN 0 ELSE c.cycle_accrued END) AS accrued,
  coalesce((SELECT sum(amount) FROM ledger_entries l
    WHERE l.client_id = c.id AND l.kind = 'settlement'
      AND (l.created_at AT TIME ZONE 'Asia/Kuala_Lumpur')::date >= ${currentCycleStart}), 0)
    AS settled`;

function presentSummary(row: SummaryRow): CreditSummary {
  const reserved = Number(row.credit_reserved);
  const cap = row.spending_cap === null ? null : Number(row.spending_cap);
  const capUsed = row.billing === "postpaid" ? Number(row.accrued) + reserved : null;
  return {
    clientId: row.id,
    name: row.name,
    billing: row.billing,
    balance: Number(row.credit_balance),
    reserved,
    settledThisCycle: Number(row.settled),
    cycleStart: row.cycle_start,
    spendingCap: cap,
    capUsed,
    available:
      row.billing === "prepaid"
        ? Number(row.credit_balance)
        : Math.max(0, (cap ?? 0) - (capUsed ?? 0)),
    rates: { sms: row.sms_rate, whatsapp: row.whatsapp_rate, email: row.email_rate },
  };
}

/** Balance, reservations and the current cycle's spending of one client. */
export async function creditSummary(db: Executor, clientId: string): Promise<CreditSummary> {
  const row = await queryOne<SummaryRow>(
    db,
    sql`SELECT ${summaryColumns} FROM clients c WHERE c.id = ${clientId}`,
  );
  if (!row) throw new AppError("not_found", "Client not found");
  return presentSummary(row);
}

/** Every client's credit, for platform staff. */
export async function listClientCredit(db: Executor): Promise<CreditSummary[]> {
  const rows = await queryRows<SummaryRow>(
    db,
    sql`SELECT ${summaryColumns} FROM clients c ORDER BY c.name, c.id`,
  );
  return rows.map(presentSummary);
}

import type { Executor } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { currentCycleStart } from "./ledger.ts";
import { queryOne } from "./sql.ts";

/** A client's credit as the client sees it, in sen. */
export async function balanceOf(db: Executor, clientId: string) {
  const row = await queryOne<{
    billing: "prepaid" | "postpaid";
    credit_balance: string;
    credit_reserved: string;
    spending_cap: string | null;
    accrued: string;
  }>(
    db,
    sql`SELECT billing, credit_balance, credit_reserved, spending_cap,
        CASE WHEN cycle_start < ${currentCycleStart} THEN 0 ELSE cycle_accrued END AS accrued
      FROM clients WHERE id = ${clientId}`,
  );
  if (!row) throw new AppError("not_found", "Client not found");
  const prepaid = row.billing === "prepaid";
  return {
    billing: row.billing,
    currency: "MYR" as const,
    /** Prepaid: credit free to spend. Postpaid: what the cap still allows. */
    available: prepaid
      ? Number(row.credit_balance)
      : Math.max(0, Number(row.spending_cap) - Number(row.accrued) - Number(row.credit_reserved)),
    reserved: Number(row.credit_reserved),
    spendingCap: prepaid ? null : Number(row.spending_cap),
    accruedThisCycle: prepaid ? null : Number(row.accrued),
  };
}

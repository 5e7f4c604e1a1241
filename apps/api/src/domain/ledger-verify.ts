import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { accruedThisCycle, currentCycleStart } from "./ledger.ts";
import { queryRows } from "./sql.ts";

export interface LedgerMismatch {
  clientId: string;
  field: string;
  stored: string;
  computed: string;
}

/**
 * Recomputes every balance from the ledger and the messages' open shares, and reports
 * each difference. An empty list means the books balance.
 */
export async function verifyLedger(db: Executor, clientId?: string): Promise<LedgerMismatch[]> {
  const filter = clientId ? sql`WHERE c.id = ${clientId}` : sql``;
  const rows = await queryRows<{
    client_id: string;
    billing: string;
    credit_balance: string;
    credit_reserved: string;
    accrued: string;
    ledger_available: string;
    ledger_reserved: string;
    ledger_cycle_spent: string;
    open_shares: string;
  }>(
    db,
    sql`
    SELECT c.id AS client_id, c.billing, c.credit_balance, c.credit_reserved,
      ${accruedThisCycle} AS accrued,
      coalesce(l.available, 0) AS ledger_available,
      coalesce(l.reserved, 0) AS ledger_reserved,
      coalesce(l.cycle_spent, 0) AS ledger_cycle_spent,
      coalesce(m.open_shares, 0) AS open_shares
    FROM clients c
    LEFT JOIN LATERAL (
      SELECT
        sum(CASE WHEN credit_account = 'available' THEN amount ELSE 0 END)
          - sum(CASE WHEN debit_account = 'available' THEN amount ELSE 0 END) AS available,
        sum(CASE WHEN credit_account = 'reserved' THEN amount ELSE 0 END)
          - sum(CASE WHEN debit_account = 'reserved' THEN amount ELSE 0 END) AS reserved,
        sum(CASE WHEN credit_account = 'spent'
          AND (created_at AT TIME ZONE 'Asia/Kuala_Lumpur')::date >= ${currentCycleStart}
          THEN amount ELSE 0 END) AS cycle_spent
      FROM ledger_entries WHERE client_id = c.id
    ) l ON true
    LEFT JOIN LATERAL (
      SELECT sum(price) AS open_shares FROM messages
      WHERE client_id = c.id AND billing_state = 'reserved'
    ) m ON true
    ${filter}`,
  );

  const mismatches: LedgerMismatch[] = [];
  const compare = (clientIdOf: string, field: string, stored: string, computed: string) => {
    if (BigInt(stored) !== BigInt(computed)) {
      mismatches.push({ clientId: clientIdOf, field, stored, computed });
    }
  };
  for (const row of rows) {
    compare(row.client_id, "credit_balance", row.credit_balance, row.ledger_available);
    compare(row.client_id, "credit_reserved", row.credit_reserved, row.ledger_reserved);
    compare(row.client_id, "open_reservations", row.credit_reserved, row.open_shares);
    if (row.billing === "postpaid") {
      compare(row.client_id, "cycle_accrued", row.accrued, row.ledger_cycle_spent);
    }
  }
  return mismatches;
}

import type { Executor } from "@teekrr/db";
import { AppError, formatRinggit } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { queryOne } from "./sql.ts";

/** The first day of the current billing cycle: calendar months in Malaysian time. */
export const currentCycleStart = sql`
  (date_trunc('month', now() AT TIME ZONE 'Asia/Kuala_Lumpur'))::date`;

/** What the cycle has accrued, treating a cycle that has rolled over as empty. */
export const accruedThisCycle = sql`
  (CASE WHEN cycle_start < ${currentCycleStart} THEN 0 ELSE cycle_accrued END)`;

interface Movement {
  clientId: string;
  kind: "topup" | "reservation" | "settlement" | "release" | "adjustment";
  debit: "external" | "available" | "reserved" | "spent";
  credit: "external" | "available" | "reserved" | "spent";
  amount: number;
  broadcastId?: string | null;
  messageCount?: number | null;
  reason?: string | null;
  actor?: string | null;
}

async function recordMovement(db: Executor, movement: Movement): Promise<void> {
  if (movement.amount <= 0) return;
  await db.execute(sql`
    INSERT INTO ledger_entries
      (client_id, kind, debit_account, credit_account, amount, broadcast_id, message_count,
       reason, actor)
    VALUES (${movement.clientId}, ${movement.kind}, ${movement.debit}, ${movement.credit},
      ${movement.amount}, ${movement.broadcastId ?? null}, ${movement.messageCount ?? null},
      ${movement.reason ?? null}, ${movement.actor ?? null})`);
}

interface CreditRow {
  billing: "prepaid" | "postpaid";
  credit_balance: string;
  credit_reserved: string;
  spending_cap: string | null;
  accrued: string;
}

/**
 * Holds `amount` sen for a new broadcast. The guarded update is the whole check: two
 * broadcasts racing for the last ringgit serialise on the client row, and the loser's
 * condition is re-evaluated against the winner's result, so credit never goes negative
 * and a cap is never passed.
 */
export async function reserveCredit(
  db: Executor,
  clientId: string,
  amount: number,
  broadcastId: string,
): Promise<void> {
  if (amount <= 0) return;
  const reserved = await queryOne<{ billing: "prepaid" | "postpaid" }>(
    db,
    sql`
    UPDATE clients SET
      cycle_accrued = ${accruedThisCycle},
      cycle_start = greatest(cycle_start, ${currentCycleStart}),
      credit_reserved = credit_reserved + ${amount},
      credit_balance = CASE WHEN billing = 'prepaid' THEN credit_balance - ${amount}
        ELSE credit_balance END,
      updated_at = now()
    WHERE id = ${clientId} AND (
      (billing = 'prepaid' AND credit_balance >= ${amount})
      OR (billing = 'postpaid'
        AND ${accruedThisCycle} + credit_reserved + ${amount} <= spending_cap))
    RETURNING billing`,
  );

  if (!reserved) throw await creditRefusal(db, clientId, amount);
  await recordMovement(db, {
    clientId,
    kind: "reservation",
    debit: reserved.billing === "prepaid" ? "available" : "external",
    credit: "reserved",
    amount,
    broadcastId,
  });
}

/** The contract's 402 for a prepaid client, with both amounts in ringgit. */
export function insufficientCredit(required: number, available: number | bigint): AppError {
  return new AppError(
    "insufficient_credit",
    `Insufficient credit. Required: ${formatRinggit(required)}, ` +
      `available: ${formatRinggit(available)}`,
  );
}

async function creditRefusal(db: Executor, clientId: string, amount: number): Promise<AppError> {
  const row = await queryOne<CreditRow>(
    db,
    sql`SELECT billing, credit_balance, credit_reserved, spending_cap,
        ${accruedThisCycle} AS accrued
      FROM clients WHERE id = ${clientId}`,
  );
  if (!row) return new AppError("not_found", "Client not found");
  if (row.billing === "prepaid") {
    return insufficientCredit(amount, BigInt(row.credit_balance));
  }
  const committed = formatRinggit(BigInt(row.accrued) + BigInt(row.credit_reserved));
  const cap = formatRinggit(BigInt(row.spending_cap ?? 0));
  return new AppError(
    "spending_cap_exceeded",
    `Spending cap exceeded. Accrued: ${committed}, ` +
      `this broadcast: ${formatRinggit(amount)}, cap: ${cap}`,
  );
}

export interface MessageShares {
  count: number;
  amount: number;
}

/**
 * Moves settled shares out of the reservation into spending. Callers pass the sum of
 * shares whose `billing_state` they have just moved from `reserved` in the same
 * transaction, which is what makes settlement happen at most once per message.
 */
export async function settleShares(
  db: Executor,
  clientId: string,
  broadcastId: string,
  shares: MessageShares,
): Promise<void> {
  if (shares.amount <= 0) return;
  await db.execute(sql`
    UPDATE broadcasts SET settled_sen = settled_sen + ${shares.amount}, updated_at = now()
    WHERE client_id = ${clientId} AND id = ${broadcastId}`);
  await db.execute(sql`
    UPDATE clients SET
      cycle_accrued = CASE WHEN billing = 'postpaid' THEN ${accruedThisCycle} + ${shares.amount}
        ELSE ${accruedThisCycle} END,
      cycle_start = greatest(cycle_start, ${currentCycleStart}),
      credit_reserved = credit_reserved - ${shares.amount},
      updated_at = now()
    WHERE id = ${clientId}`);
  await recordMovement(db, {
    clientId,
    kind: "settlement",
    debit: "reserved",
    credit: "spent",
    amount: shares.amount,
    broadcastId,
    messageCount: shares.count,
  });
}

/** Returns released shares to the prepaid balance, or out of a postpaid cycle's commitment. */
export async function releaseShares(
  db: Executor,
  clientId: string,
  broadcastId: string,
  shares: MessageShares,
): Promise<void> {
  if (shares.amount <= 0) return;
  await db.execute(sql`
    UPDATE broadcasts SET released_sen = released_sen + ${shares.amount}, updated_at = now()
    WHERE client_id = ${clientId} AND id = ${broadcastId}`);
  const client = await queryOne<{ billing: "prepaid" | "postpaid" }>(
    db,
    sql`
    UPDATE clients SET
      credit_reserved = credit_reserved - ${shares.amount},
      credit_balance = CASE WHEN billing = 'prepaid' THEN credit_balance + ${shares.amount}
        ELSE credit_balance END,
      updated_at = now()
    WHERE id = ${clientId}
    RETURNING billing`,
  );
  await recordMovement(db, {
    clientId,
    kind: "release",
    debit: "reserved",
    credit: client?.billing === "postpaid" ? "external" : "available",
    amount: shares.amount,
    broadcastId,
    messageCount: shares.count,
  });
}

/** Adds prepaid credit. */
export async function topUpCredit(
  db: Executor,
  clientId: string,
  amount: number,
  actor: string,
  reason?: string,
): Promise<{ balance: number }> {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    throw new AppError("validation_failed", undefined, [
      { field: "amount", message: "Amount must be a positive whole number of sen" },
    ]);
  }
  const row = await queryOne<{ credit_balance: string }>(
    db,
    sql`UPDATE clients SET credit_balance = credit_balance + ${amount}, updated_at = now()
      WHERE id = ${clientId} AND billing = 'prepaid' RETURNING credit_balance`,
  );
  if (!row) throw new AppError("not_found", "Prepaid client not found");
  await recordMovement(db, {
    clientId,
    kind: "topup",
    debit: "external",
    credit: "available",
    amount,
    reason: reason ?? null,
    actor,
  });
  return { balance: Number(row.credit_balance) };
}

/**
 * Corrects a prepaid balance by a signed amount with a reason. A deduction larger than the
 * available balance is refused rather than driving it negative.
 */
export async function adjustCredit(
  db: Executor,
  clientId: string,
  amount: number,
  reason: string,
  actor: string,
): Promise<{ balance: number }> {
  if (!Number.isSafeInteger(amount) || amount === 0) {
    throw new AppError("validation_failed", undefined, [
      { field: "amount", message: "Amount must be a non-zero whole number of sen" },
    ]);
  }
  if (reason.trim().length === 0) {
    throw new AppError("validation_failed", undefined, [
      { field: "reason", message: "An adjustment needs a reason" },
    ]);
  }
  const row = await queryOne<{ credit_balance: string }>(
    db,
    sql`UPDATE clients SET credit_balance = credit_balance + ${amount}, updated_at = now()
      WHERE id = ${clientId} AND billing = 'prepaid' AND credit_balance + ${amount} >= 0
      RETURNING credit_balance`,
  );
  if (!row)
    throw new AppError("conflict", "Adjustment refused: client not prepaid or balance too low");
  await recordMovement(db, {
    clientId,
    kind: "adjustment",
    debit: amount > 0 ? "external" : "available",
    credit: amount > 0 ? "available" : "external",
    amount: Math.abs(amount),
    reason,
    actor,
  });
  return { balance: Number(row.credit_balance) };
}

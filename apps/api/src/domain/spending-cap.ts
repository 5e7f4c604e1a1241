import { clients, type Executor } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { eq } from "drizzle-orm";
import { type Actor, recordAudit } from "./audit.ts";

/**
 * Sets a postpaid client's cap per billing cycle. A cap below what the cycle has already
 * committed is allowed: it only stops new broadcasts, it cannot undo accepted ones.
 */
export async function setSpendingCap(db: Executor, actor: Actor, clientId: string, cap: number) {
  if (!Number.isSafeInteger(cap) || cap < 0) {
    throw new AppError("validation_failed", undefined, [
      { field: "cap", message: "A cap is a whole, non-negative number of sen" },
    ]);
  }
  const [before] = await db.select().from(clients).where(eq(clients.id, clientId));
  if (!before) throw new AppError("not_found", "Client not found");
  if (before.billing !== "postpaid") {
    throw new AppError("conflict", "Only a postpaid client has a spending cap");
  }
  const [after] = await db
    .update(clients)
    .set({ spendingCap: cap, updatedAt: new Date() })
    .where(eq(clients.id, clientId))
    .returning();
  await recordAudit(db, actor, {
    clientId,
    action: "cap.set",
    targetType: "client",
    targetId: clientId,
    before: { spendingCap: before.spendingCap },
    after: { spendingCap: after?.spendingCap },
  });
  return after;
}

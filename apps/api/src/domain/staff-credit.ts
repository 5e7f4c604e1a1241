import type { Executor } from "@teekrr/db";
import { type Actor, recordAudit } from "./audit.ts";
import { adjustCredit, topUpCredit } from "./ledger.ts";

/** A top-up made by a person: the ledger entry and its audit record in one transaction. */
export async function topUpByPerson(
  db: Executor,
  actor: Actor,
  clientId: string,
  amount: number,
  reason?: string,
) {
  const result = await topUpCredit(db, clientId, amount, actor.name, reason);
  await recordAudit(db, actor, {
    clientId,
    action: "credit.top_up",
    targetType: "client",
    targetId: clientId,
    before: { balance: result.balance - amount },
    after: { balance: result.balance, amount, reason: reason ?? null },
  });
  return result;
}

export async function adjustByPerson(
  db: Executor,
  actor: Actor,
  clientId: string,
  amount: number,
  reason: string,
) {
  const result = await adjustCredit(db, clientId, amount, reason, actor.name);
  await recordAudit(db, actor, {
    clientId,
    action: "credit.adjust",
    targetType: "client",
    targetId: clientId,
    before: { balance: result.balance - amount },
    after: { balance: result.balance, amount, reason },
  });
  return result;
}

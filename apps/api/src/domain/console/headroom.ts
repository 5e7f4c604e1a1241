import type { Executor } from "@teekrr/db";
import { creditSummary } from "../credit-summary.ts";

/** Whether a cost fits what the client may spend now: its balance, or what its cap leaves. */
export async function creditHeadroom(db: Executor, clientId: string, cost: number) {
  const credit = await creditSummary(db, clientId);
  return {
    cost,
    billing: credit.billing,
    available: credit.available,
    enough: cost <= credit.available,
  };
}

/** How many per-recipient previews an estimate carries; the console shows a handful. */
export const previewedRecipients = 5;

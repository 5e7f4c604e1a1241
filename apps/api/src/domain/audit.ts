import type { Executor } from "@teekrr/db";
import { auditLog } from "@teekrr/db";

export interface Actor {
  /** A readable name: a user's email, or `cli` for the admin command line. */
  name: string;
  userId?: string | null;
}

export const cliActor: Actor = { name: "cli" };

/** Records a change a person made, in the same transaction as the change. */
export async function recordAudit(
  db: Executor,
  actor: Actor,
  entry: {
    clientId: string | null;
    action: string;
    targetType: string;
    targetId?: string | null;
    before?: unknown;
    after?: unknown;
  },
): Promise<void> {
  await db.insert(auditLog).values({
    clientId: entry.clientId,
    actorUserId: actor.userId ?? null,
    actor: actor.name,
    action: entry.action,
    targetType: entry.targetType,
    targetId: entry.targetId ?? null,
    before: entry.before ?? null,
    after: entry.after ?? null,
  });
}

import { auditLog, type Executor } from "@teekrr/db";
import { and, desc, eq, lt, type SQL } from "drizzle-orm";

/** The audit trail, newest first; `clientId` null lists the whole platform for staff. */
export async function listAudit(
  db: Executor,
  filter: { clientId: string | null; limit?: number; before?: number },
) {
  const conditions: SQL[] = [];
  if (filter.clientId) conditions.push(eq(auditLog.clientId, filter.clientId));
  if (filter.before) conditions.push(lt(auditLog.id, filter.before));
  const rows = await db
    .select()
    .from(auditLog)
    .where(conditions.length ? and(...conditions) : undefined)
    .orderBy(desc(auditLog.id))
    .limit(Math.min(filter.limit ?? 100, 500));
  return rows.map((row) => ({
    id: row.id,
    clientId: row.clientId,
    actor: row.actor,
    action: row.action,
    targetType: row.targetType,
    targetId: row.targetId,
    before: row.before,
    after: row.after,
    at: row.createdAt.toISOString(),
  }));
}

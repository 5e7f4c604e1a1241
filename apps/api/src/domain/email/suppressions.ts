import type { Executor } from "@teekrr/db";
import { AppError, type SuppressionReason } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit.ts";
import { decodeCursor, encodeCursor } from "../cursor.ts";
import { normaliseEmail } from "../recipients.ts";
import { isoTime, queryOne, queryRows } from "../sql.ts";

interface SuppressionRow {
  address: string;
  reason: SuppressionReason;
  message_id: string | null;
  detail: string | null;
  created_at: string;
}

function present(row: SuppressionRow) {
  return {
    email: row.address,
    reason: row.reason,
    messageUuid: row.message_id,
    detail: row.detail,
    createdAt: isoTime(row.created_at),
  };
}
export type SuppressionView = ReturnType<typeof present>;

/** One page of a client's suppression list, in address order, so a cursor never skips rows. */
export async function listSuppressions(
  db: Executor,
  clientId: string,
  options: { limit: number; cursor?: string | undefined; reason?: SuppressionReason | undefined },
): Promise<{ items: SuppressionView[]; nextCursor: string | null }> {
  const after = options.cursor ? decodeCursor(options.cursor, ["a"]).a : null;
  const rows = await queryRows<SuppressionRow>(
    db,
    sql`SELECT address, reason, message_id, detail, created_at FROM suppressions
      WHERE client_id = ${clientId}
        AND (${after}::text IS NULL OR address > ${after})
        AND (${options.reason ?? null}::text IS NULL OR reason = ${options.reason ?? null})
      ORDER BY address LIMIT ${options.limit + 1}`,
  );
  const page = rows.slice(0, options.limit);
  const last = page.at(-1);
  return {
    items: page.map(present),
    nextCursor: rows.length > options.limit && last ? encodeCursor({ a: last.address }) : null,
  };
}

function requireAddress(input: string): string {
  const address = normaliseEmail(input);
  if (!address) {
    throw new AppError("validation_failed", undefined, [
      { field: "email", message: "Invalid email address" },
    ]);
  }
  return address;
}

/** Adds an address by hand; adding one already listed keeps the original entry. */
export async function addManualSuppression(
  db: Executor,
  actor: Actor,
  clientId: string,
  email: string,
): Promise<{ suppression: SuppressionView; created: boolean }> {
  const address = requireAddress(email);
  const inserted = await queryOne<SuppressionRow>(
    db,
    sql`INSERT INTO suppressions (client_id, address, reason)
      VALUES (${clientId}, ${address}, 'manual')
      ON CONFLICT DO NOTHING
      RETURNING address, reason, message_id, detail, created_at`,
  );
  if (inserted) {
    await recordAudit(db, actor, {
      clientId,
      action: "suppression.add",
      targetType: "suppression",
      targetId: address,
      after: present(inserted),
    });
    return { suppression: present(inserted), created: true };
  }
  const existing = await queryOne<SuppressionRow>(
    db,
    sql`SELECT address, reason, message_id, detail, created_at FROM suppressions
      WHERE client_id = ${clientId} AND address = ${address}`,
  );
  if (!existing) throw new Error("suppression vanished during insert");
  return { suppression: present(existing), created: false };
}

/** Removes an address, so later broadcasts reach it again. */
export async function removeSuppression(
  db: Executor,
  actor: Actor,
  clientId: string,
  email: string,
): Promise<SuppressionView> {
  const address = normaliseEmail(email);
  const removed = address
    ? await queryOne<SuppressionRow>(
        db,
        sql`DELETE FROM suppressions WHERE client_id = ${clientId} AND address = ${address}
          RETURNING address, reason, message_id, detail, created_at`,
      )
    : undefined;
  if (!removed) throw new AppError("not_found", "Suppression not found");
  await recordAudit(db, actor, {
    clientId,
    action: "suppression.remove",
    targetType: "suppression",
    targetId: removed.address,
    before: present(removed),
  });
  return present(removed);
}

/** Which of these addresses the client suppresses. */
export async function findSuppressed(
  db: Executor,
  clientId: string,
  addresses: string[],
): Promise<Set<string>> {
  if (addresses.length === 0) return new Set();
  const rows = await queryRows<{ address: string }>(
    db,
    sql`SELECT address FROM suppressions
      WHERE client_id = ${clientId} AND address = ANY(${sql.param(addresses)}::text[])`,
  );
  return new Set(rows.map((row) => row.address));
}

export interface ReportedSuppression {
  clientId: string;
  address: string;
  reason: "bounce" | "complaint";
  messageId: string;
  detail: string;
}

/** Adds addresses that bounced for good or complained; an address already listed stays as is. */
export async function suppressReportedAddresses(
  db: Executor,
  entries: ReportedSuppression[],
): Promise<void> {
  if (entries.length === 0) return;
  await db.execute(sql`
    INSERT INTO suppressions (client_id, address, reason, message_id, detail)
    SELECT * FROM unnest(${sql.param(entries.map((e) => e.clientId))}::uuid[],
      ${sql.param(entries.map((e) => e.address))}::text[],
      ${sql.param(entries.map((e) => e.reason))}::text[],
      ${sql.param(entries.map((e) => e.messageId))}::uuid[],
      ${sql.param(entries.map((e) => e.detail))}::text[])
    ON CONFLICT DO NOTHING`);
}

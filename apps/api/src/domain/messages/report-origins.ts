import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { queryRows } from "../sql.ts";

/** What a report requires of the broadcast of the message it names. */
export interface ReportOriginGuard {
  /** When set, the report applies only to a message sent from this WhatsApp number. */
  senderPhoneNumberId?: string;
  /** When true, the report applies only to a sandbox (`livemode = false`) message. */
  sandboxOnly?: boolean;
}

/** Where a broadcast's messages went out from, as its guarded reports need to know. */
export interface BroadcastOrigin {
  livemode: boolean;
  /** The WhatsApp number a WhatsApp broadcast sends from; null for other channels. */
  senderPhoneNumberId: string | null;
}

export function isGuarded(guard: ReportOriginGuard): boolean {
  return guard.senderPhoneNumberId !== undefined || guard.sandboxOnly === true;
}

/**
 * Loads the origins of these broadcasts in one query, each probed by its primary key
 * (client and id), so the cost follows the batch and not the number of broadcasts.
 */
export async function loadBroadcastOrigins(
  db: Executor,
  broadcasts: { clientId: string; broadcastId: string }[],
): Promise<Map<string, BroadcastOrigin>> {
  const unique = [
    ...new Map(broadcasts.map((broadcast) => [broadcast.broadcastId, broadcast])).values(),
  ];
  if (unique.length === 0) return new Map();
  const rows = await queryRows<{ id: string; livemode: boolean; sender: string | null }>(
    db,
    sql`SELECT b.* FROM unnest(${sql.param(unique.map((b) => b.clientId))}::uuid[],
        ${sql.param(unique.map((b) => b.broadcastId))}::uuid[]) AS input(client_id, id)
      CROSS JOIN LATERAL (
        SELECT id, livemode, details->'sender'->>'phoneNumberId' AS sender FROM broadcasts
        WHERE client_id = input.client_id AND id = input.id) b`,
  );
  return new Map(
    rows.map((row) => [row.id, { livemode: row.livemode, senderPhoneNumberId: row.sender }]),
  );
}

/** Whether the guard holds for a message of a broadcast with this origin. */
export function originAllows(guard: ReportOriginGuard, origin: BroadcastOrigin | undefined) {
  if (!isGuarded(guard)) return true;
  if (!origin) return false;
  if (guard.sandboxOnly && origin.livemode) return false;
  if (
    guard.senderPhoneNumberId !== undefined &&
    guard.senderPhoneNumberId !== origin.senderPhoneNumberId
  ) {
    return false;
  }
  return true;
}

import type { Executor } from "@teekrr/db";
import type { Channel, MessageStatus } from "@teekrr/shared";
import { type SQL, sql } from "drizzle-orm";
import { queryRows } from "../sql.ts";

/**
 * A message locked FOR UPDATE by the current transaction, with `row`, its physical address
 * (`ctid`). While the lock is held nothing else can update or move the row, so a later
 * statement of the same transaction can address it by `row` directly.
 */
export interface LockedMessage {
  row: string;
  id: string;
  client_id: string;
  broadcast_id: string;
  channel: Channel;
  recipient: string;
  status: MessageStatus;
  billing_state: string;
  price: number | string;
  provider_message_id: string | null;
}

/*
 * Why probes and physical addresses: one COPY can add more messages than a client had
 * before, and until statistics catch up the planner believes the client has a handful of
 * rows. It then answers `id = ANY(...)` or a join on the input by reading every message of
 * the client, on every batch. A LATERAL probe by a unique key cannot be planned as a scan,
 * and an update by `ctid` is a direct fetch whatever the statistics say.
 */
const lockedColumns = sql.raw(`ctid::text AS row, id, client_id, broadcast_id, channel,
  recipient, status, billing_state, price, provider_message_id`);

/** Locks the messages of one client with these ids that match `condition`, in id order. */
export async function lockMessagesById(
  db: Executor,
  clientId: string,
  ids: string[],
  condition: SQL = sql`true`,
): Promise<LockedMessage[]> {
  if (ids.length === 0) return [];
  return await queryRows<LockedMessage>(
    db,
    sql`
    SELECT m.* FROM (SELECT DISTINCT unnest(${sql.param(ids)}::uuid[]) AS id ORDER BY 1) input
    CROSS JOIN LATERAL (
      SELECT ${lockedColumns} FROM messages
      WHERE client_id = ${clientId} AND id = input.id AND ${condition}
      FOR UPDATE) m`,
  );
}

/** Locks the messages a provider knows by these ids, in the order given. */
export async function lockMessagesByProviderId(
  db: Executor,
  lookups: { channel: Channel; providerMessageId: string }[],
): Promise<LockedMessage[]> {
  if (lookups.length === 0) return [];
  return await queryRows<LockedMessage>(
    db,
    sql`
    SELECT m.* FROM unnest(${sql.param(lookups.map((lookup) => lookup.channel))}::text[],
      ${sql.param(lookups.map((lookup) => lookup.providerMessageId))}::text[])
      AS input(channel, provider_id)
    CROSS JOIN LATERAL (
      SELECT ${lockedColumns} FROM messages
      WHERE channel = input.channel AND provider_message_id = input.provider_id
      FOR UPDATE) m`,
  );
}

/** The `row` values as a `tid[]` parameter. */
export function rowsParam(rows: { row: string }[]): SQL {
  return sql`${sql.param(rows.map((locked) => locked.row))}::tid[]`;
}

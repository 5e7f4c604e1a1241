import type { Database } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { waitFor } from "./harness.ts";

/** A message as the send and report tests of every channel look at it. */
export interface MessageRow {
  id: string;
  recipient: string;
  status: string;
  billing_state: string;
  provider_message_id: string | null;
  error_code: string | null;
  error_message: string | null;
  attempts: number;
}

export async function messagesOf(db: Database, broadcastId: string): Promise<MessageRow[]> {
  return (await db.execute(sql`SELECT id, recipient, status, billing_state, provider_message_id,
      error_code, error_message, attempts
    FROM messages WHERE broadcast_id = ${broadcastId} ORDER BY seq`)) as unknown as MessageRow[];
}

/**
 * Waits until every message of the broadcast has the status the test expects for its
 * recipient; on timeout the error lists where each message stood.
 */
export async function waitForStatuses(
  db: Database,
  broadcastId: string,
  expected: Record<string, string>,
  timeoutMs = 30_000,
): Promise<MessageRow[]> {
  let last: MessageRow[] = [];
  try {
    return await waitFor(
      async () => {
        last = await messagesOf(db, broadcastId);
        const matches = last.every((row) => expected[row.recipient] === row.status);
        return matches && last.length === Object.keys(expected).length ? last : null;
      },
      timeoutMs,
      "message statuses",
    );
  } catch (error) {
    throw new Error(
      `${(error as Error).message}: ${JSON.stringify(last.map((r) => [r.recipient, r.status]))}`,
    );
  }
}

/** A message's recorded transitions with their provider detail, oldest first. */
export async function eventsOf(db: Database, messageId: string) {
  const rows = await db.execute(sql`SELECT status, detail FROM message_events
    WHERE message_id = ${messageId} ORDER BY occurred_at, status`);
  return rows as unknown as { status: string; detail: Record<string, unknown> | null }[];
}

/** The statuses a message went through, oldest first. */
export async function historyOf(db: Database, messageId: string): Promise<string[]> {
  return (await eventsOf(db, messageId)).map((event) => event.status);
}

/** A message's status, or "missing" when there is no such message. */
export async function messageStatus(db: Database, messageId: string): Promise<string> {
  const rows = (await db.execute(
    sql`SELECT status FROM messages WHERE id = ${messageId}`,
  )) as unknown as { status: string }[];
  return rows[0]?.status ?? "missing";
}

/** The broadcast a message belongs to. */
export async function broadcastIdOf(db: Database, messageId: string): Promise<string> {
  const rows = (await db.execute(
    sql`SELECT broadcast_id FROM messages WHERE id = ${messageId}`,
  )) as unknown as { broadcast_id: string }[];
  return rows[0]?.broadcast_id as string;
}

/** Waits until the inbox has processed every callback it stored, of any provider. */
export async function waitForInboxDrained(db: Database): Promise<void> {
  await waitFor(
    async () => {
      const rows = (await db.execute(sql`SELECT count(*) AS count
        FROM inbound_callbacks WHERE processed_at IS NULL`)) as unknown as { count: string }[];
      return Number(rows[0]?.count) === 0;
    },
    20_000,
    "inbox to drain",
  );
}

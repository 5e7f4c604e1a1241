import type { Database } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { waitFor } from "./harness.ts";

/** A valid quick SMS broadcast body; tests override what they look at. */
export function smsBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    campaignName: "Test campaign",
    type: "quick broadcast",
    templateContent: "Hello from Teekrr",
    recipients: ["0123456789"],
    ...overrides,
  };
}

async function count(db: Database, query: ReturnType<typeof sql>): Promise<number> {
  const rows = (await db.execute(query)) as unknown as { count: string }[];
  return Number(rows[0]?.count ?? 0);
}

export interface ClientRows {
  broadcasts: number;
  messages: number;
  ledgerEntries: number;
  rateLimitCounters: number;
  sendJobs: number;
}

/** Everything a send request could write for one client, to prove a refusal wrote nothing. */
export async function countClientRows(db: Database, clientId: string): Promise<ClientRows> {
  return {
    broadcasts: await count(db, sql`SELECT count(*) FROM broadcasts WHERE client_id = ${clientId}`),
    messages: await count(db, sql`SELECT count(*) FROM messages WHERE client_id = ${clientId}`),
    ledgerEntries: await count(
      db,
      sql`SELECT count(*) FROM ledger_entries WHERE client_id = ${clientId}`,
    ),
    rateLimitCounters: await count(
      db,
      sql`SELECT coalesce(sum(count), 0) AS count FROM rate_limit_counters
        WHERE client_id = ${clientId}`,
    ),
    sendJobs: await count(
      db,
      sql`SELECT count(*) FROM pgboss.job
        WHERE name = 'send.sms' AND data->>'clientId' = ${clientId}`,
    ),
  };
}

export interface ClientCredit {
  balance: number;
  reserved: number;
  accrued: number;
}

export async function clientCredit(db: Database, clientId: string): Promise<ClientCredit> {
  const rows = (await db.execute(
    sql`SELECT credit_balance, credit_reserved, cycle_accrued FROM clients WHERE id = ${clientId}`,
  )) as unknown as { credit_balance: string; credit_reserved: string; cycle_accrued: string }[];
  const row = rows[0];
  if (!row) throw new Error("client not found");
  return {
    balance: Number(row.credit_balance),
    reserved: Number(row.credit_reserved),
    accrued: Number(row.cycle_accrued),
  };
}

/** Waits until every message of the client has left `pending`/`enqueued` and its share. */
export async function waitForClientIdle(db: Database, clientId: string, timeoutMs = 30_000) {
  await waitFor(
    async () =>
      (await count(
        db,
        sql`SELECT count(*) FROM messages WHERE client_id = ${clientId}
          AND (status IN ('pending', 'enqueued') OR billing_state = 'reserved')`,
      )) === 0,
    timeoutMs,
    "client's messages to finish",
  );
}

export interface MessageState {
  id: string;
  recipient: string;
  status: string;
  billing_state: string;
  price: number;
  segments: number;
  content: string | null;
  attempts: number;
}

export async function messagesOf(db: Database, broadcastId: string): Promise<MessageState[]> {
  return (await db.execute(
    sql`SELECT id, recipient, status, billing_state, price, segments, content, attempts
      FROM messages WHERE broadcast_id = ${broadcastId} ORDER BY seq`,
  )) as unknown as MessageState[];
}

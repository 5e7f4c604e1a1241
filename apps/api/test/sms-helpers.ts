import type { Database } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import {
  type ApiResponse,
  api,
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
  waitFor,
} from "./harness.ts";

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

/**
 * The calls the broadcast tests make, against a file's platform and client. `current` is
 * read on every call, because a file sets both in its `beforeAll`.
 */
export function smsBroadcastCalls(current: () => { platform: TestPlatform; client: TestClient }) {
  async function send(body: Record<string, unknown>, key = current().client.key) {
    const response = await api(current().platform.url, "POST", "/sms", {
      key,
      body: smsBody(body),
    });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
    return response.body.data;
  }

  async function getBroadcast(id: string, key = current().client.key) {
    return await api(current().platform.url, "GET", `/broadcasts/${id}`, { key });
  }

  /** Waits until no message of the broadcast is pending, enqueued or still holding credit. */
  async function waitForSettled(id: string) {
    return await waitFor(
      async () => {
        const { body } = await getBroadcast(id);
        const counts = body.data.counts as Record<string, number>;
        const open = (counts.pending ?? 0) + (counts.enqueued ?? 0);
        const { settled, released, reserved } = body.data;
        return open === 0 && settled + released === reserved ? body.data : null;
      },
      30_000,
      "broadcast to settle",
    );
  }

  return { send, getBroadcast, waitForSettled };
}

/** The body limit the envelope tests run under, small enough for a test to exceed. */
export const envelopeBodyLimit = 4 * 1024 * 1024;

/**
 * A platform under the envelope tests' limits, and a client whose rows are counted before
 * its first request, so that a file can prove at its end that nothing it sent was accepted.
 */
export async function startEnvelopePlatform(): Promise<{
  platform: TestPlatform;
  client: TestClient;
  before: ClientRows;
}> {
  const platform = await startTestPlatform({
    BODY_LIMIT_BYTES: String(envelopeBodyLimit),
    MAX_RECIPIENTS: "100000",
  });
  const client = await createTestClient(platform.db);
  const before = await countClientRows(platform.db, client.clientId);
  return { platform, client, before };
}

/** Posts to /sms as `key`, with the body, raw text or headers a test gives. */
export function postSms(
  platform: TestPlatform,
  key: string,
  options: { body?: unknown; raw?: string; headers?: Record<string, string> },
) {
  return api(platform.url, "POST", "/sms", { key, ...options });
}

/** The contract's error envelope: a message, and field errors only on a 400. */
export function expectEnvelope(response: ApiResponse, status: number) {
  expect(response.status).toBe(status);
  expect(typeof response.body?.message).toBe("string");
  const allowed = status === 400 ? ["errors", "message"] : ["message"];
  for (const name of Object.keys(response.body)) expect(allowed).toContain(name);
  expect(response.headers.get("request-id")).toBeTruthy();
}

export function fieldsOf(response: ApiResponse): string[] {
  return (response.body.errors ?? []).map((error: { field: string }) => error.field);
}

import type { Database } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { cliActor } from "../src/domain/audit.ts";
import { createEmailTemplate } from "../src/domain/email/templates.ts";
import { api, type TestPlatform, waitFor } from "./harness.ts";

export async function createApprovedEmailTemplate(
  db: Database,
  clientId: string,
  name = "welcome",
) {
  return await createEmailTemplate(db, cliActor, {
    clientId,
    name,
    subject: "Hello {name}",
    html: "<p>Hello <b>{name}</b>, your code is {code}.</p>",
    text: "Hello {name}, your code is {code}.",
    status: "approved",
  });
}

export function emailBody(recipients: string[], extra: Record<string, unknown> = {}) {
  return {
    campaignName: "Email launch",
    type: "quick broadcast",
    templateName: "welcome",
    subject: "Hello {name}",
    recipients,
    ...extra,
  };
}

export interface MessageState {
  id: string;
  recipient: string;
  status: string;
  provider_message_id: string | null;
  billing_state: string;
}

export async function messagesOf(db: Database, broadcastId: string): Promise<MessageState[]> {
  const rows = await db.execute(sql`SELECT id, recipient, status, provider_message_id, billing_state
    FROM messages WHERE broadcast_id = ${broadcastId} ORDER BY seq`);
  return rows as unknown as MessageState[];
}

/** Waits until every message of the broadcast has reached one of `statuses` by recipient. */
export async function waitForStatuses(
  platform: TestPlatform,
  broadcastId: string,
  expected: Record<string, string>,
): Promise<MessageState[]> {
  return await waitFor(
    async () => {
      const rows = await messagesOf(platform.db, broadcastId);
      const done = rows.every((row) => expected[row.recipient] === row.status);
      return done && rows.length === Object.keys(expected).length ? rows : null;
    },
    30_000,
    `statuses ${JSON.stringify(expected)}`,
  ).catch(async (error) => {
    console.error(JSON.stringify(await messagesOf(platform.db, broadcastId)));
    throw error;
  });
}

export async function suppressionsOf(db: Database, clientId: string) {
  const rows = await db.execute(sql`SELECT address, reason, message_id FROM suppressions
    WHERE client_id = ${clientId} ORDER BY address`);
  return rows as unknown as { address: string; reason: string; message_id: string | null }[];
}

export async function eventsOf(db: Database, messageId: string) {
  const rows = await db.execute(sql`SELECT status, detail FROM message_events
    WHERE message_id = ${messageId} ORDER BY occurred_at, status`);
  return rows as unknown as { status: string; detail: Record<string, unknown> | null }[];
}

export async function callbackCount(db: Database): Promise<number> {
  const rows = await db.execute(
    sql`SELECT count(*)::int AS n FROM inbound_callbacks WHERE provider = 'ses'`,
  );
  return (rows as unknown as { n: number }[])[0]?.n ?? 0;
}

export async function sendEmail(
  platform: TestPlatform,
  key: string,
  recipients: string[],
  extra: Record<string, unknown> = {},
) {
  return await api(platform.url, "POST", "/email", { key, body: emailBody(recipients, extra) });
}

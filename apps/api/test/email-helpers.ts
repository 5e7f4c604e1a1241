import type { Database } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { cliActor } from "../src/domain/audit.ts";
import { createEmailTemplate } from "../src/domain/email/templates.ts";
import { api, createTestClient, type TestClient, type TestPlatform } from "./harness.ts";

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

/** A test client, as `createTestClient` makes one, with the approved `welcome` template. */
export async function createEmailClient(
  db: Database,
  options: Parameters<typeof createTestClient>[1] = {},
): Promise<TestClient> {
  const client = await createTestClient(db, options);
  await createApprovedEmailTemplate(db, client.clientId);
  return client;
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

export async function suppressionsOf(db: Database, clientId: string) {
  const rows = await db.execute(sql`SELECT address, reason, message_id FROM suppressions
    WHERE client_id = ${clientId} ORDER BY address`);
  return rows as unknown as { address: string; reason: string; message_id: string | null }[];
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

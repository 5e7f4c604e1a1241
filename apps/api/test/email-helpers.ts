import { randomUUID } from "node:crypto";
import type { Database } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { cliActor } from "../src/domain/audit.ts";
import { createEmailTemplate } from "../src/domain/email/templates.ts";
import { api, createTestClient, type TestClient, type TestPlatform } from "./harness.ts";
import { type MessageRow, waitForStatuses } from "./message-helpers.ts";

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

/** An email SES accepted and the simulator reports nothing about, left at `send`. */
export async function quietEmail(platform: TestPlatform, key: string): Promise<MessageRow> {
  const address = `noreport+${randomUUID().slice(0, 8)}@example.com`;
  const response = await sendEmail(platform, key, [address]);
  expect(response.status).toBe(202);
  const [row] = await waitForStatuses(platform.db, response.body.data.broadcastUuid, {
    [address]: "send",
  });
  return row as MessageRow;
}

/** The SES event AWS documents, for one of our messages. */
export function sesEvent(message: MessageRow, kind: "Delivery" | "Bounce" | "Complaint") {
  const mail = {
    timestamp: new Date().toISOString(),
    source: "sandbox@teekrr.test",
    sourceArn: "arn:aws:ses:ap-southeast-1:000000000000:identity/teekrr.test",
    sendingAccountId: "000000000000",
    messageId: message.provider_message_id,
    destination: [message.recipient, "someone-else@example.com"],
    headersTruncated: false,
    commonHeaders: { from: ["sandbox@teekrr.test"], to: [message.recipient], subject: "Hello" },
  };
  if (kind === "Delivery") {
    return {
      notificationType: "Delivery",
      mail,
      delivery: {
        timestamp: new Date().toISOString(),
        processingTimeMillis: 546,
        recipients: [message.recipient],
        smtpResponse: "250 ok:  Message 64111812 accepted",
        reportingMTA: "a8-70.smtp-out.amazonses.com",
        remoteMtaIp: "127.0.2.0",
      },
    };
  }
  if (kind === "Complaint") {
    return {
      notificationType: "Complaint",
      complaint: {
        userAgent: "AnyCompany Feedback Loop (V0.01)",
        complainedRecipients: [{ emailAddress: message.recipient }],
        complaintFeedbackType: "abuse",
        arrivalDate: new Date().toISOString(),
        timestamp: new Date().toISOString(),
        feedbackId: "000001378603177f-18c07c78-fa81-4a58-9dd1-fedc3cb8f49a-000000",
      },
      mail,
    };
  }
  return {
    notificationType: "Bounce",
    bounce: {
      bounceType: "Permanent",
      reportingMTA: "dns; email.example.com",
      bouncedRecipients: [
        {
          emailAddress: message.recipient,
          status: "5.1.1",
          action: "failed",
          diagnosticCode: `smtp; 550 5.1.1 <${message.recipient}>... User`,
        },
      ],
      bounceSubType: "General",
      timestamp: new Date().toISOString(),
      feedbackId: "00000138111222aa-33322211-cccc-cccc-cccc-ddddaaaa068a-000000",
      remoteMtaIp: "127.0.2.0",
      newField: { tolerated: true },
    },
    mail,
  };
}

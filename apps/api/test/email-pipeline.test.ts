import { request } from "undici";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../src/domain/audit.ts";
import { setEmailSender } from "../src/domain/email/senders.ts";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import { createEmailClient, sendEmail, suppressionsOf } from "./email-helpers.ts";
import {
  api,
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
  waitFor,
} from "./harness.ts";
import { eventsOf, waitForStatuses } from "./message-helpers.ts";

let platform: TestPlatform;
let client: TestClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  client = await createEmailClient(platform.db, { credit: 10_000 });
  await setEmailSender(platform.db, cliActor, {
    clientId: client.clientId,
    fromAddress: "news@kedai.example.com",
    displayName: "Kedai News",
  });
});
afterAll(async () => {
  await platform.close();
});

async function balanceOf(clientId: string) {
  const response = await platform.db.query.clients.findFirst({
    where: (clients, { eq }) => eq(clients.id, clientId),
  });
  return { balance: Number(response?.creditBalance), reserved: Number(response?.creditReserved) };
}

describe("an email broadcast end to end", () => {
  it("delivers, bounces, suppresses and settles every accepted message", async () => {
    const recipients = [
      "alice@example.com",
      "bounce+1@example.com",
      "softbounce+1@example.com",
      "complaint+1@example.com",
      "latebounce+1@example.com",
    ];

    const response = await sendEmail(platform, client.key, [...recipients, "ALICE@example.com"]);

    expect(response.status).toBe(202);
    expect(response.body.data).toMatchObject({
      queued: 5,
      duplicates: 1,
      reserved: 5,
      suppressed: 0,
      suppressedRecipients: [],
    });
    const broadcastId = response.body.data.broadcastUuid as string;
    const rows = await waitForStatuses(platform.db, broadcastId, {
      "alice@example.com": "delivered",
      "bounce+1@example.com": "bounced",
      "softbounce+1@example.com": "send",
      "complaint+1@example.com": "delivered",
      "latebounce+1@example.com": "bounced",
    });
    const suppressed = await waitFor(async () => {
      const list = await suppressionsOf(platform.db, client.clientId);
      return list.length === 3 ? list : null;
    });
    expect(suppressed.map((row) => [row.address, row.reason])).toEqual([
      ["bounce+1@example.com", "bounce"],
      ["complaint+1@example.com", "complaint"],
      ["latebounce+1@example.com", "bounce"],
    ]);
    expect(rows.every((row) => row.billing_state === "settled")).toBe(true);

    const late = rows.find((row) => row.recipient.startsWith("latebounce")) as { id: string };
    const lateHistory = await eventsOf(platform.db, late.id);
    // Both notifications may land in one batch, with one timestamp; compare as a set.
    expect(lateHistory.map((event) => event.status).sort()).toEqual([
      "bounced",
      "delivered",
      "enqueued",
      "send",
    ]);
    expect(lateHistory.find((event) => event.status === "bounced")?.detail).toMatchObject({
      bounceType: "Permanent",
      bounceSubType: "General",
      email: "latebounce+1@example.com",
    });

    const soft = rows.find((row) => row.recipient.startsWith("softbounce")) as { id: string };
    const softSend = await waitFor(async () => {
      const events = await eventsOf(platform.db, soft.id);
      const send = events.find((event) => event.status === "send");
      return Array.isArray(send?.detail?.feedback) ? send : null;
    });
    expect(softSend.detail?.feedback).toEqual([
      expect.objectContaining({ type: "bounce", bounceType: "Transient" }),
    ]);

    const broadcast = await api(platform.url, "GET", `/broadcasts/${broadcastId}`, {
      key: client.key,
    });
    expect(broadcast.body.data).toMatchObject({ reserved: 5, settled: 5, released: 0 });
    expect(await verifyLedger(platform.db)).toEqual([]);
  });

  it("skips suppressed addresses in a later broadcast and charges nothing for them", async () => {
    const before = await balanceOf(client.clientId);

    const response = await sendEmail(platform, client.key, [
      "bounce+1@example.com",
      "Complaint+1@Example.com",
      "bob@example.com",
    ]);

    expect(response.status).toBe(202);
    expect(response.body.data).toMatchObject({
      queued: 1,
      reserved: 1,
      suppressed: 2,
      suppressedRecipients: ["bounce+1@example.com", "complaint+1@example.com"],
    });
    await waitForStatuses(platform.db, response.body.data.broadcastUuid, {
      "bob@example.com": "delivered",
    });
    const after = await balanceOf(client.clientId);
    expect(before.balance - after.balance).toBe(1);
    expect(after.reserved).toBe(0);
    expect(await verifyLedger(platform.db)).toEqual([]);
  });

  it("renders each recipient's values into the mail SES got, escaped in HTML", async () => {
    const response = await api(platform.url, "POST", "/email", {
      key: client.key,
      body: {
        campaignName: "Codes",
        type: "quick broadcast",
        templateName: "welcome",
        subject: "Hi {name}",
        recipientVariables: [{ email: "carol@example.com", name: "Carol <3", code: "A1" }],
      },
    });

    expect(response.status).toBe(202);
    const [row] = await waitForStatuses(platform.db, response.body.data.broadcastUuid, {
      "carol@example.com": "delivered",
    });
    const store = await request(`${platform.runtime.simulators?.ses.url}/store`);
    const { emails } = (await store.body.json()) as {
      emails: {
        messageId: string;
        from: string;
        subject: string;
        body: { html: string; text: string };
      }[];
    };
    const sent = emails.find((email) => email.messageId === row?.provider_message_id);
    expect(sent?.from).toBe('"Kedai News" <news@kedai.example.com>');
    expect(sent?.subject).toBe("Hi Carol <3");
    expect(sent?.body.text).toBe("Hello Carol <3, your code is A1.");
    expect(sent?.body.html).toBe("<p>Hello <b>Carol &lt;3</b>, your code is A1.</p>");
  });

  it("sends sandbox broadcasts to the emulator free of charge", async () => {
    const sandbox = await createEmailClient(platform.db, { credit: 0, test: true });

    const response = await sendEmail(platform, sandbox.key, ["dave@example.com"]);

    expect(response.status).toBe(202);
    expect(response.body.data).toMatchObject({ queued: 1, reserved: 0 });
    const [row] = await waitForStatuses(platform.db, response.body.data.broadcastUuid, {
      "dave@example.com": "delivered",
    });
    expect(row?.billing_state).toBe("free");
  });
});

describe("POST /email refusals", () => {
  it("answers 404 for an unknown or unapproved template", async () => {
    const response = await sendEmail(platform, client.key, ["a@example.com"], {
      templateName: "missing",
    });

    expect(response.status).toBe(404);
    expect(response.body).toEqual({ message: "Template not found" });
  });

  it("refuses a key without send_email", async () => {
    const other = await createTestClient(platform.db, { scopes: ["send_sms"] });

    const response = await sendEmail(platform, other.key, ["a@example.com"]);

    expect(response.status).toBe(403);
    expect(response.body.message).toBe("API key does not have the required scope: send_email");
  });

  it("refuses a client without the email channel", async () => {
    const other = await createTestClient(platform.db, { channels: ["sms"] });

    const response = await sendEmail(platform, other.key, ["a@example.com"]);

    expect(response.status).toBe(403);
    expect(response.body.message).toBe("Client does not have an active Email channel subscription");
  });

  it("reports invalid addresses and bad fields by path", async () => {
    const response = await sendEmail(platform, client.key, ["ok@example.com", "not-an-email"], {
      subject: "x".repeat(201),
    });

    expect(response.status).toBe(400);
    expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(
      "subject",
    );
    const second = await sendEmail(platform, client.key, ["ok@example.com", "not-an-email"]);
    expect(second.body.errors).toEqual([
      { field: "recipients.1", message: "Invalid email address" },
    ]);
  });

  it("answers 402 without creating anything when credit is short", async () => {
    const poor = await createEmailClient(platform.db, { credit: 1 });

    const response = await sendEmail(platform, poor.key, ["a@example.com", "b@example.com"]);

    expect(response.status).toBe(402);
    expect(response.body.message).toBe("Insufficient credit. Required: RM0.02, available: RM0.01");
    expect(await balanceOf(poor.clientId)).toEqual({ balance: 1, reserved: 0 });
  });

  it("does not see another client's template", async () => {
    const other = await createTestClient(platform.db);

    const response = await sendEmail(platform, other.key, ["a@example.com"]);

    expect(response.status).toBe(404);
  });
});

import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SnsSimulator } from "../src/simulators/sns-simulator.ts";
import { createEmailClient, quietEmail, sesEvent, suppressionsOf } from "./email-helpers.ts";
import { api, startTestPlatform, type TestClient, type TestPlatform, waitFor } from "./harness.ts";
import {
  eventsOf,
  type MessageRow,
  messageStatus,
  waitForInboxDrained,
} from "./message-helpers.ts";
import { type Receiver, startReceiver } from "./webhook-receiver.ts";

let platform: TestPlatform;
let client: TestClient;
let sns: SnsSimulator;
let receiver: Receiver;

beforeAll(async () => {
  platform = await startTestPlatform({
    WEBHOOK_ALLOW_HTTP: "true",
    WEBHOOK_ALLOW_LOOPBACK: "true",
  });
  client = await createEmailClient(platform.db, { credit: 10_000 });
  sns = platform.runtime.simulators?.sns as SnsSimulator;
  receiver = await startReceiver();
  const endpoint = await api(platform.url, "POST", "/webhook-endpoints", {
    key: client.key,
    body: { url: receiver.url, events: ["bounced"] },
  });
  expect(endpoint.status).toBe(201);
});
afterAll(async () => {
  await platform.close();
  await receiver.close();
});

const acceptedMessage = () => quietEmail(platform, client.key);
const statusOf = (id: string) => messageStatus(platform.db, id);
const drained = () => waitForInboxDrained(platform.db);

/** The same bounce, as SES reports a full mailbox. */
function transientBounce(message: MessageRow) {
  const event = sesEvent(message, "Bounce");
  return {
    ...event,
    bounce: {
      ...event.bounce,
      bounceType: "Transient",
      bounceSubType: "MailboxFull",
      bouncedRecipients: [
        {
          emailAddress: message.recipient,
          status: "4.2.2",
          action: "failed",
          diagnosticCode: `smtp; 452 4.2.2 <${message.recipient}>... Mailbox full`,
        },
      ],
      feedbackId: `0000013811122299-${randomUUID()}-000000`,
    },
  };
}

async function storedCopies(snsMessageId: string): Promise<number> {
  const rows = await platform.db.execute(sql`SELECT count(*)::int AS n FROM inbound_callbacks
    WHERE provider = 'ses' AND payload->>'MessageId' = ${snsMessageId}`);
  return (rows as unknown as { n: number }[])[0]?.n ?? 0;
}

async function isSuppressed(address: string): Promise<boolean> {
  return (await suppressionsOf(platform.db, client.clientId)).some(
    (row) => row.address === address,
  );
}

describe("SES notifications", () => {
  it("applies the same notification three times as once", async () => {
    const message = await acceptedMessage();
    const delivery = sns.envelope(sesEvent(message, "Delivery"));
    const bounce = sns.envelope(sesEvent(message, "Bounce"));

    for (let copy = 0; copy < 3; copy++) expect(await sns.post(delivery)).toBe(200);
    await waitFor(async () => (await statusOf(message.id)) === "delivered");
    for (let copy = 0; copy < 3; copy++) expect(await sns.post(bounce)).toBe(200);
    await waitFor(async () => (await statusOf(message.id)) === "bounced");
    await waitFor(async () => {
      const rows = await platform.db.execute(
        sql`SELECT count(*)::int AS n FROM inbound_callbacks WHERE processed_at IS NULL`,
      );
      return (rows as unknown as { n: number }[])[0]?.n === 0;
    });

    const events = await eventsOf(platform.db, message.id);
    expect(events.map((event) => event.status).sort()).toEqual([
      "bounced",
      "delivered",
      "enqueued",
      "send",
    ]);
    const bounced = events.find((event) => event.status === "bounced");
    expect(bounced?.detail).toMatchObject({
      bounceType: "Permanent",
      bounceSubType: "General",
      email: message.recipient,
      providerMessageId: message.provider_message_id,
    });
    const suppressed = await suppressionsOf(platform.db, client.clientId);
    expect(suppressed.filter((row) => row.address === message.recipient)).toEqual([
      { address: message.recipient, reason: "bounce", message_id: message.id },
    ]);
  });

  it("suppresses a complaint and ignores recipients the message was not sent to", async () => {
    const message = await acceptedMessage();
    const event = sesEvent(message, "Complaint");
    event.complaint?.complainedRecipients.push({ emailAddress: "someone-else@example.com" });

    expect(await sns.post(sns.envelope(event))).toBe(200);

    await waitFor(async () => (await statusOf(message.id)) === "delivered");
    const suppressed = await waitFor(async () => {
      const rows = await suppressionsOf(platform.db, client.clientId);
      return rows.some((row) => row.address === message.recipient) ? rows : null;
    });
    expect(suppressed.find((row) => row.address === message.recipient)?.reason).toBe("complaint");
    expect(suppressed.some((row) => row.address === "someone-else@example.com")).toBe(false);
  });

  it("applies a notification once by its MessageId, however late it is replayed", async () => {
    const message = await acceptedMessage();
    const complaint = sns.envelope(sesEvent(message, "Complaint"));
    expect(await sns.post(complaint)).toBe(200);
    await waitFor(async () => await isSuppressed(message.recipient));
    await drained();
    const removed = await api(
      platform.url,
      "DELETE",
      `/suppressions?email=${encodeURIComponent(message.recipient)}`,
      { key: client.key },
    );
    expect(removed.status).toBe(200);

    const replayed = await sns.post(complaint);
    await drained();

    expect(replayed).toBe(200);
    expect(await storedCopies(complaint.MessageId)).toBe(1);
    expect(await isSuppressed(message.recipient)).toBe(false);
  });

  it("stores copies of one notification posted at the same time once, answering each", async () => {
    const message = await acceptedMessage();
    const delivery = sns.envelope(sesEvent(message, "Delivery"));

    const statuses = await Promise.all(Array.from({ length: 5 }, () => sns.post(delivery)));

    expect(statuses).toEqual([200, 200, 200, 200, 200]);
    expect(await storedCopies(delivery.MessageId)).toBe(1);
    await waitFor(async () => (await statusOf(message.id)) === "delivered");
  });

  it("announces a transient bounce as `bounced`, ending and suppressing nothing", async () => {
    const message = await acceptedMessage();
    const bounce = transientBounce(message);

    expect(await sns.post(sns.envelope(bounce))).toBe(200);
    // The same SES event again under a new SNS message: noted and announced only once.
    expect(await sns.post(sns.envelope(bounce))).toBe(200);
    await drained();

    expect(await statusOf(message.id)).toBe("send");
    expect(await isSuppressed(message.recipient)).toBe(false);
    const send = (await eventsOf(platform.db, message.id)).find((e) => e.status === "send");
    expect(send?.detail?.feedback).toEqual([
      expect.objectContaining({ type: "bounce", bounceType: "Transient" }),
    ]);
    const queued = (await platform.db.execute(sql`SELECT event, body FROM webhook_deliveries
      WHERE message_id = ${message.id}`)) as unknown as { event: string; body: string }[];
    expect(queued.map((row) => row.event)).toEqual(["bounced"]);
    expect(JSON.parse(queued[0]?.body ?? "{}").data).toEqual({
      channel: "email",
      messageUuid: message.id,
      broadcastUuid: expect.any(String),
      recipient: message.recipient,
      email: message.recipient,
      bounceType: "Transient",
      bounceSubType: "MailboxFull",
    });
    await waitFor(async () => receiver.forMessage(message.id).length === 1);
  });

  it("confirms a subscription through its SubscribeURL", async () => {
    const confirmation = sns.subscriptionConfirmation();

    const status = await sns.post(confirmation);

    expect(status).toBe(200);
    expect(sns.confirmedTokens.has(confirmation.Token as string)).toBe(true);
  });

  it("does not visit a SubscribeURL on an untrusted host", async () => {
    const { Signature: _, ...unsigned } = sns.subscriptionConfirmation();
    const confirmation = sns.sign({
      ...unsigned,
      SubscribeURL: "https://attacker.example.com/?Action=ConfirmSubscription&Token=x",
    });

    const status = await sns.post(confirmation);

    expect(status).toBe(403);
  });

  it("accepts the JSON body whether it is labelled text/plain or application/json", async () => {
    const message = await acceptedMessage();
    const envelope = sns.envelope(sesEvent(message, "Delivery"));

    const response = await api(platform.url, "POST", "/callbacks/ses", {
      body: envelope,
      headers: { "x-amz-sns-message-type": "Notification" },
    });

    expect(response.status).toBe(200);
    await waitFor(async () => (await statusOf(message.id)) === "delivered");
  });
});

import { randomUUID } from "node:crypto";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type SesEmulator, startSesEmulator } from "../src/simulators/ses-emulator.ts";
import type { SnsSimulator } from "../src/simulators/sns-simulator.ts";
import { callbackCount, createEmailClient, sendEmail, suppressionsOf } from "./email-helpers.ts";
import { api, startTestPlatform, type TestClient, type TestPlatform, waitFor } from "./harness.ts";
import { eventsOf, historyOf, type MessageRow, waitForStatuses } from "./message-helpers.ts";
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

/** A message SES accepted and the simulator reports nothing about, left at `send`. */
async function acceptedMessage(): Promise<MessageRow> {
  const address = `noreport+${randomUUID().slice(0, 8)}@example.com`;
  const response = await sendEmail(platform, client.key, [address]);
  expect(response.status).toBe(202);
  const [row] = await waitForStatuses(platform.db, response.body.data.broadcastUuid, {
    [address]: "send",
  });
  return row as MessageRow;
}

/** The SES event AWS documents, for one of our messages. */
function sesEvent(message: MessageRow, kind: "Delivery" | "Bounce" | "Complaint") {
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

async function drained(): Promise<void> {
  await waitFor(async () => {
    const rows = await platform.db.execute(
      sql`SELECT count(*)::int AS n FROM inbound_callbacks WHERE processed_at IS NULL`,
    );
    return (rows as unknown as { n: number }[])[0]?.n === 0;
  });
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

async function statusOf(id: string): Promise<string> {
  const rows = (await platform.db.query.messages.findFirst({
    where: (messages, { eq }) => eq(messages.id, id),
  })) as { status: string } | undefined;
  return rows?.status ?? "missing";
}

describe("SNS signature checks", () => {
  it("refuses a bad signature, an untrusted certificate host, a wrong topic or edits", async () => {
    const message = await acceptedMessage();
    const before = await callbackCount(platform.db);
    const good = sns.envelope(sesEvent(message, "Bounce"));
    const forgedSignature = { ...good, Signature: sns.envelope({ other: true }).Signature };
    const localhostCert = sns.envelope(sesEvent(message, "Bounce"), {
      SigningCertURL: sns.certUrl.replace("127.0.0.1", "localhost"),
    });
    const remoteCert = sns.envelope(sesEvent(message, "Bounce"), {
      SigningCertURL: "https://sns.evil.example.com/SimpleNotificationService-1.pem",
    });
    const wrongTopic = sns.envelope(sesEvent(message, "Bounce"), {
      TopicArn: "arn:aws:sns:ap-southeast-1:123456789012:someone-elses-topic",
    });
    const tampered = {
      ...good,
      Message: good.Message.replace("Permanent", "Transient"),
    };
    const unsigned = { ...good, Signature: undefined };

    const statuses = [];
    for (const forged of [
      forgedSignature,
      localhostCert,
      remoteCert,
      wrongTopic,
      tampered,
      unsigned,
    ]) {
      statuses.push(await sns.post(forged));
    }

    expect(statuses).toEqual([403, 403, 403, 403, 403, 403]);
    expect(await callbackCount(platform.db)).toBe(before);
    expect(await statusOf(message.id)).toBe("send");
    expect(await suppressionsOf(platform.db, client.clientId)).toEqual([]);
  });

  it("refuses a body that is not JSON", async () => {
    const response = await api(platform.url, "POST", "/callbacks/ses", {
      raw: "not json",
      headers: { "content-type": "text/plain; charset=UTF-8" },
    });

    expect(response.status).toBe(400);
  });

  it("accepts signature version 2 (SHA256withRSA)", async () => {
    const message = await acceptedMessage();

    const status = await sns.post(
      sns.envelope(sesEvent(message, "Delivery"), { SignatureVersion: "2" }),
    );

    expect(status).toBe(200);
    await waitFor(async () => (await statusOf(message.id)) === "delivered");
  });
});

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

describe("notifications signed with the simulator's public key", () => {
  const liveTopic = "arn:aws:sns:ap-southeast-1:123456789012:ses-events";
  let live: TestPlatform;
  let liveSes: SesEmulator;

  beforeAll(async () => {
    // SES is configured, so live mail no longer goes to the emulator the simulator watches.
    liveSes = await startSesEmulator("127.0.0.1", 0);
    live = await startTestPlatform({
      SES_ENDPOINT: liveSes.url,
      AWS_ACCESS_KEY_ID: "test",
      AWS_SECRET_ACCESS_KEY: "test",
      SES_DEFAULT_FROM: "noreply@teekrr.test",
      SNS_TOPIC_ARNS: liveTopic,
    });
  });
  afterAll(async () => {
    await live.close();
    await liveSes.close();
  });

  async function quietMessage(key: string): Promise<MessageRow> {
    const address = `noreport+${randomUUID().slice(0, 8)}@example.com`;
    const response = await sendEmail(live, key, [address]);
    expect(response.status).toBe(202);
    const [row] = await waitForStatuses(live.db, response.body.data.broadcastUuid, {
      [address]: "send",
    });
    return row as MessageRow;
  }

  async function liveStatusOf(id: string): Promise<string> {
    const rows = (await live.db.execute(
      sql`SELECT status FROM messages WHERE id = ${id}`,
    )) as unknown as { status: string }[];
    return rows[0]?.status ?? "missing";
  }

  it("bounce a sandbox message but leave a live one alone", async () => {
    const simulator = live.runtime.simulators?.sns as SnsSimulator;
    const liveClient = await createEmailClient(live.db);
    const sandboxClient = await createEmailClient(live.db, { test: true });
    const liveMessage = await quietMessage(liveClient.key);
    const sandboxMessage = await quietMessage(sandboxClient.key);

    const forged = await simulator.post(simulator.envelope(sesEvent(liveMessage, "Bounce")));
    const sandbox = await simulator.post(simulator.envelope(sesEvent(sandboxMessage, "Bounce")));

    expect([forged, sandbox]).toEqual([200, 200]);
    await waitFor(async () => (await liveStatusOf(sandboxMessage.id)) === "bounced");
    await waitFor(async () => {
      const rows = (await live.db.execute(sql`SELECT count(*)::int AS n FROM inbound_callbacks
        WHERE processed_at IS NULL`)) as unknown as { n: number }[];
      return rows[0]?.n === 0;
    });
    expect(await liveStatusOf(liveMessage.id)).toBe("send");
    expect(await historyOf(live.db, liveMessage.id)).toEqual(["enqueued", "send"]);
    expect(await suppressionsOf(live.db, liveClient.clientId)).toEqual([]);
    expect(await suppressionsOf(live.db, sandboxClient.clientId)).toEqual([
      { address: sandboxMessage.recipient, reason: "bounce", message_id: sandboxMessage.id },
    ]);
  });

  it("are refused on the live topic, even with the simulator's own certificate URL", async () => {
    const simulator = live.runtime.simulators?.sns as SnsSimulator;
    const liveClient = await createEmailClient(live.db);
    const message = await quietMessage(liveClient.key);
    const before = await callbackCount(live.db);

    const status = await simulator.post(
      simulator.envelope(sesEvent(message, "Bounce"), { TopicArn: liveTopic }),
    );

    expect(status).toBe(403);
    expect(await callbackCount(live.db)).toBe(before);
    expect(await liveStatusOf(message.id)).toBe("send");
  });
});

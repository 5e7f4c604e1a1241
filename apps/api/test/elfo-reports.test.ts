import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applySendOutcomes } from "../src/domain/messages/outcomes.ts";
import {
  api,
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
  waitFor,
} from "./harness.ts";
import { clientCredit, messagesOf, smsBody } from "./sms-helpers.ts";

let platform: TestPlatform;
let client: TestClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  client = await createTestClient(platform.db);
});
afterAll(async () => {
  await platform.close();
});

function postReport(payload: unknown, authorization?: string, raw?: string) {
  return api(platform.url, "POST", "/callbacks/elfo", {
    ...(raw === undefined ? { body: payload } : { raw }),
    headers: {
      "content-type": "application/json",
      ...(authorization === undefined ? {} : { authorization }),
    },
  });
}

const simulatorKey = () => platform.config.SIMULATOR_SECRET;

async function inboxCount(): Promise<number> {
  const rows = (await platform.db.execute(
    sql`SELECT count(*) AS count FROM inbound_callbacks`,
  )) as unknown as { count: string }[];
  return Number(rows[0]?.count);
}

async function eventsOf(messageId: string): Promise<string[]> {
  const rows = (await platform.db.execute(
    sql`SELECT status FROM message_events WHERE message_id = ${messageId} ORDER BY occurred_at`,
  )) as unknown as { status: string }[];
  return rows.map((row) => row.status);
}

/** Sends to a number whose report the simulator never posts, and waits for its `send`. */
async function sentMessage() {
  const response = await api(platform.url, "POST", "/sms", {
    key: client.key,
    body: smsBody({ recipients: ["0123459994"] }),
  });
  const [message] = await messagesOf(platform.db, response.body.data.broadcastUuid);
  if (!message) throw new Error("no message");
  return await waitFor(async () => {
    const rows = (await platform.db.execute(
      sql`SELECT id, status, provider_message_id, billing_state FROM messages
        WHERE id = ${message.id} AND status = 'send'`,
    )) as unknown as {
      id: string;
      status: string;
      provider_message_id: string;
      billing_state: string;
    }[];
    return rows[0];
  });
}

async function statusOf(messageId: string): Promise<string> {
  const rows = (await platform.db.execute(
    sql`SELECT status FROM messages WHERE id = ${messageId}`,
  )) as unknown as { status: string }[];
  return rows[0]?.status ?? "missing";
}

describe("the Elfo callback endpoint", () => {
  it.each([
    ["missing", undefined],
    ["wrong", "not-the-key-at-all"],
    ["a Bearer with the wrong key", "Bearer wrong-key-0000000000"],
    ["empty", ""],
  ])("refuses a %s Authorization and stores nothing", async (_case, authorization) => {
    const before = await inboxCount();

    const response = await postReport({ sms_id: "ELF1", status: "DELIVERED" }, authorization);

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: "Invalid callback credentials" });
    expect(await inboxCount()).toBe(before);
  });

  it.each([
    ["malformed JSON", undefined, '{"sms_id": '],
    ["a missing sms_id", { status: "DELIVERED" }, undefined],
    ["a number for a status", { sms_id: "ELF1", status: 7 }, undefined],
    ["an array", [{ sms_id: "ELF1", status: "DELIVERED" }], undefined],
  ])("answers 400 for %s and stores nothing", async (_case, payload, raw) => {
    const before = await inboxCount();

    const response = await postReport(payload, simulatorKey(), raw);

    expect(response.status).toBe(400);
    expect(response.body.message).toBe("Validation failed");
    expect(await inboxCount()).toBe(before);
  });

  it("accepts the key with or without the Bearer scheme", async () => {
    const plain = await postReport({ sms_id: "ELF-NOBODY-1", status: "DELIVERED" }, simulatorKey());
    const bearer = await postReport(
      { sms_id: "ELF-NOBODY-2", status: "DELIVERED" },
      `Bearer ${simulatorKey()}`,
    );

    expect(plain.status).toBe(200);
    expect(bearer.status).toBe(200);
  });
});

describe("delivery reports", () => {
  it("apply a repeated report once", async () => {
    const message = await sentMessage();
    const report = { sms_id: message.provider_message_id, status: "DELIVERED" };

    await postReport(report, simulatorKey());
    await postReport(report, simulatorKey());
    await postReport({ ...report, status: "delivrd" }, simulatorKey());
    await waitFor(async () => (await statusOf(message.id)) === "delivered");
    await waitFor(async () => {
      const rows = (await platform.db.execute(
        sql`SELECT count(*) AS count FROM inbound_callbacks
          WHERE payload->>'sms_id' = ${message.provider_message_id} AND processed_at IS NULL`,
      )) as unknown as { count: string }[];
      return rows[0]?.count === "0";
    });

    expect(await eventsOf(message.id)).toEqual(["enqueued", "send", "delivered"]);
  });

  it("ignore a failure reported after the delivery", async () => {
    const message = await sentMessage();
    const credit = await clientCredit(platform.db, client.clientId);
    await postReport({ sms_id: message.provider_message_id, status: "DELIVERED" }, simulatorKey());
    await waitFor(async () => (await statusOf(message.id)) === "delivered");

    await postReport(
      { sms_id: message.provider_message_id, status: "FAILED", error_code: "UNDELIV" },
      simulatorKey(),
    );
    await waitFor(async () => {
      const rows = (await platform.db.execute(
        sql`SELECT outcome FROM inbound_callbacks
          WHERE payload->>'sms_id' = ${message.provider_message_id}
            AND payload->>'status' = 'FAILED'`,
      )) as unknown as { outcome: string | null }[];
      return rows[0]?.outcome === "applied";
    });

    const rows = (await platform.db.execute(
      sql`SELECT status, billing_state, error_code FROM messages WHERE id = ${message.id}`,
    )) as unknown as { status: string; billing_state: string; error_code: string | null }[];
    expect(rows[0]).toEqual({ status: "delivered", billing_state: "settled", error_code: null });
    expect(await eventsOf(message.id)).toEqual(["enqueued", "send", "delivered"]);
    expect(await clientCredit(platform.db, client.clientId)).toEqual(credit);
  });

  it("record a failure report without giving back the settled credit", async () => {
    const message = await sentMessage();

    await postReport(
      { sms_id: message.provider_message_id, status: "UNDELIV", error: "Handset off" },
      simulatorKey(),
    );
    await waitFor(async () => (await statusOf(message.id)) === "failed");

    const rows = (await platform.db.execute(
      sql`SELECT billing_state, error_code, error_message FROM messages WHERE id = ${message.id}`,
    )) as unknown as Record<string, string>[];
    expect(rows[0]).toEqual({
      billing_state: "settled",
      error_code: "UNDELIV",
      error_message: "Handset off",
    });
  });

  it("wait in the inbox when they arrive before the send is recorded, then apply", async () => {
    // A broadcast scheduled far ahead has a message no worker will touch during the test.
    const response = await api(platform.url, "POST", "/sms", {
      key: client.key,
      body: smsBody({
        type: "schedule broadcast",
        scheduledAt: new Date(Date.now() + 3600_000).toISOString(),
        recipients: ["0123455555"],
      }),
    });
    const broadcastId = response.body.data.broadcastUuid;
    const [message] = await messagesOf(platform.db, broadcastId);
    if (!message) throw new Error("no message");
    const providerId = `ELFEARLY${Date.now()}`;

    await postReport({ sms_id: providerId, status: "DELIVERED" }, simulatorKey());
    // Let the report miss its message three times, so its backoff outgrows two seconds.
    await waitFor(async () => {
      const rows = (await platform.db.execute(
        sql`SELECT attempts, outcome, processed_at FROM inbound_callbacks
          WHERE payload->>'sms_id' = ${providerId}`,
      )) as unknown as { attempts: number; outcome: string; processed_at: string | null }[];
      const row = rows[0];
      return row && row.attempts >= 3 && row.outcome === "waiting" && row.processed_at === null;
    });
    await platform.runtime.platform.database.transaction(({ tx }) =>
      applySendOutcomes(tx, {
        clientId: client.clientId,
        broadcastId,
        channel: "sms",
        accepted: [{ messageId: message.id, providerMessageId: providerId }],
        failed: [],
        retrying: [],
      }),
    );

    // Well before the once-a-minute sweep: the report worker wakes when the report is due.
    await waitFor(async () => (await statusOf(message.id)) === "delivered", 20_000);
    expect(await eventsOf(message.id)).toEqual(["send", "delivered"]);
  });
});

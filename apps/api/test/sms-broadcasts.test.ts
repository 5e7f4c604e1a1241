import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../src/domain/audit.ts";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import { createKeyword, createTemplate } from "../src/domain/templates.ts";
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
const rate = 5;

beforeAll(async () => {
  platform = await startTestPlatform();
  client = await createTestClient(platform.db, { credit: 100_000 });
});
afterAll(async () => {
  await platform.close();
});

async function send(body: Record<string, unknown>, key = client.key) {
  const response = await api(platform.url, "POST", "/sms", { key, body: smsBody(body) });
  expect(response.status, JSON.stringify(response.body)).toBe(202);
  return response.body.data;
}

async function getBroadcast(id: string, key = client.key) {
  return await api(platform.url, "GET", `/broadcasts/${id}`, { key });
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

describe("recipients", () => {
  it("are normalised to E.164 and sent once each", async () => {
    const accepted = await send({
      recipients: ["012-345 6789", "60123456789", "+60123456789", "0123456780", "012 345 6780"],
    });

    expect(accepted).toMatchObject({ queued: 2, duplicates: 3, reserved: 2 * rate });
    const messages = await messagesOf(platform.db, accepted.broadcastUuid);
    expect(messages.map((message) => message.recipient)).toEqual(["+60123456789", "+60123456780"]);
  });
});

describe("content", () => {
  it("gets the RM0.00 prefix once, counted in segments", async () => {
    const withPrefix = await send({ templateContent: "RM0.00 Hi there" });
    const fits = await send({ templateContent: "a".repeat(153) });
    const spills = await send({ templateContent: "a".repeat(154) });

    const [message] = await messagesOf(platform.db, withPrefix.broadcastUuid);
    const view = await api(platform.url, "GET", `/messages/${message?.id}`, { key: client.key });
    expect(view.body.data.content).toBe("RM0.00 Hi there");
    expect(fits.reserved).toBe(rate);
    expect(spills.reserved).toBe(2 * rate);
    expect((await messagesOf(platform.db, spills.broadcastUuid))[0]?.segments).toBe(2);
  });

  it("puts the client's keyword after the prefix", async () => {
    await createKeyword(platform.db, cliActor, client.clientId, "SHOP");

    const accepted = await send({ templateContent: "Sale today", keyword: "SHOP" });

    const rows = (await platform.db.execute(
      sql`SELECT content, keyword FROM broadcasts WHERE id = ${accepted.broadcastUuid}`,
    )) as unknown as { content: string; keyword: string }[];
    expect(rows[0]).toEqual({ content: "RM0.00 SHOP Sale today", keyword: "SHOP" });
  });

  it("fills a template per recipient and prices each message by its own segments", async () => {
    await createTemplate(platform.db, cliActor, {
      clientId: client.clientId,
      channel: "sms",
      name: "code",
      content: "Hi {name}, your code is {code}.",
      status: "approved",
    });

    const accepted = await send({
      templateContent: undefined,
      templateName: "code",
      recipients: undefined,
      recipientVariables: [
        { phone: "0123450001", name: "Aina", code: "A1" },
        { phone: "0123450002", name: "中".repeat(70), code: "B2" },
      ],
    });

    const messages = await messagesOf(platform.db, accepted.broadcastUuid);
    expect(messages.map((message) => message.content)).toEqual([
      "RM0.00 Hi Aina, your code is A1.",
      `RM0.00 Hi ${"中".repeat(70)}, your code is B2.`,
    ]);
    expect(messages.map((message) => [message.segments, message.price])).toEqual([
      [1, rate],
      [2, 2 * rate],
    ]);
    expect(accepted.reserved).toBe(3 * rate);
    const done = await waitForSettled(accepted.broadcastUuid);
    expect(done).toMatchObject({ reserved: 3 * rate, settled: 3 * rate, released: 0 });
  });
});

describe("storage", () => {
  it("keeps tabs, line breaks and backslashes in personalised text exactly", async () => {
    const awkward = "tab\there\\back\\slash\nnew line\r\nand \\N";

    const accepted = await send({
      templateContent: "Hi {name}",
      recipients: undefined,
      recipientVariables: [{ phone: "0123456666", name: awkward }],
    });

    const [message] = await messagesOf(platform.db, accepted.broadcastUuid);
    expect(message?.content).toBe(`RM0.00 Hi ${awkward}`);
  });
});

describe("a scheduled broadcast", () => {
  it("waits for its time, then sends", async () => {
    const scheduledAt = new Date(Date.now() + 2000).toISOString();

    const accepted = await send({ type: "schedule broadcast", scheduledAt });

    expect(accepted).toMatchObject({ status: "scheduled", scheduledAt, queued: 1 });
    const early = await getBroadcast(accepted.broadcastUuid);
    expect(early.body.data).toMatchObject({ status: "scheduled", counts: { pending: 1 } });
    const done = await waitForSettled(accepted.broadcastUuid);
    expect(done.status).toBe("completed");
    const [message] = await messagesOf(platform.db, accepted.broadcastUuid);
    const view = await api(platform.url, "GET", `/messages/${message?.id}`, { key: client.key });
    const enqueuedAt = view.body.data.history.find(
      (entry: { status: string }) => entry.status === "enqueued",
    ).at;
    expect(Date.parse(enqueuedAt)).toBeGreaterThanOrEqual(Date.parse(scheduledAt));
  });
});

describe("reading a broadcast and its messages", () => {
  it("shows counts per status and the money reserved, settled and released", async () => {
    const before = await clientCredit(platform.db, client.clientId);

    const accepted = await send({
      recipients: ["0123451111", "0123452222", "0123459990", "0123459994"],
    });
    const done = await waitForSettled(accepted.broadcastUuid);
    await waitFor(async () => {
      const { body } = await getBroadcast(accepted.broadcastUuid);
      return body.data.counts.delivered === 2;
    });

    const { body } = await getBroadcast(accepted.broadcastUuid);
    expect(body.data).toMatchObject({
      broadcastUuid: accepted.broadcastUuid,
      channel: "sms",
      status: "completed",
      recipients: 4,
      counts: { delivered: 2, failed: 1, send: 1 },
      reserved: 4 * rate,
      settled: 3 * rate,
      released: rate,
    });
    expect(done.settled).toBe(3 * rate);
    expect(await clientCredit(platform.db, client.clientId)).toMatchObject({
      balance: before.balance - 3 * rate,
      reserved: before.reserved,
    });
  });

  it("gives each message its history with times, oldest first", async () => {
    const accepted = await send({ recipients: ["0123453333", "0123459990"] });
    await waitForSettled(accepted.broadcastUuid);
    const [delivered, failed] = await messagesOf(platform.db, accepted.broadcastUuid);
    await waitFor(async () => {
      const view = await api(platform.url, "GET", `/messages/${delivered?.id}`, {
        key: client.key,
      });
      return view.body.data.status === "delivered";
    });

    const ok = (await api(platform.url, "GET", `/messages/${delivered?.id}`, { key: client.key }))
      .body.data;
    const refused = (await api(platform.url, "GET", `/messages/${failed?.id}`, { key: client.key }))
      .body.data;

    expect(ok).toMatchObject({
      recipient: "+60123453333",
      status: "delivered",
      billing: "settled",
      price: rate,
      providerMessageId: expect.stringMatching(/^ELF/),
    });
    expect(ok.history.map((entry: { status: string }) => entry.status)).toEqual([
      "pending",
      "enqueued",
      "send",
      "delivered",
    ]);
    const times = ok.history.map((entry: { at: string }) => Date.parse(entry.at));
    expect(times.every((time: number) => Number.isFinite(time))).toBe(true);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    expect(refused).toMatchObject({
      status: "failed",
      billing: "released",
      errorCode: "elfo_1003",
      errorMessage: "Invalid MSISDN",
    });
    expect(refused.history.map((entry: { status: string }) => entry.status)).toEqual([
      "pending",
      "enqueued",
      "failed",
    ]);
  });

  it("hides one client's broadcasts and messages from another", async () => {
    const other = await createTestClient(platform.db);
    const accepted = await send({});
    const [message] = await messagesOf(platform.db, accepted.broadcastUuid);

    const broadcast = await getBroadcast(accepted.broadcastUuid, other.key);
    const view = await api(platform.url, "GET", `/messages/${message?.id}`, { key: other.key });

    expect(broadcast.status).toBe(404);
    expect(broadcast.body).toEqual({ message: "Broadcast not found" });
    expect(view.status).toBe(404);
    expect(view.body).toEqual({ message: "Message not found" });
  });

  it("answers 404 for a malformed or unknown id, and 403 without the read scope", async () => {
    const sender = await createTestClient(platform.db, { scopes: ["send_sms"] });

    for (const path of [
      "/broadcasts/not-a-uuid",
      "/broadcasts/00000000-0000-0000-0000-000000000000",
      "/messages/1234",
      "/messages/00000000-0000-0000-0000-000000000000",
      "/broadcasts/'%20OR%201=1--",
    ]) {
      const response = await api(platform.url, "GET", path, { key: client.key });
      expect(response.status, path).toBe(404);
      expect(Object.keys(response.body)).toEqual(["message"]);
    }
    const forbidden = await getBroadcast("00000000-0000-0000-0000-000000000000", sender.key);
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({
      message: "API key does not have the required scope: read_messages",
    });
  });
});

describe("a sandbox key", () => {
  it("sends through the simulator and is never charged, even with no credit", async () => {
    const sandbox = await createTestClient(platform.db, { credit: 0, test: true });

    const accepted = await send({ recipients: ["0123457777"] }, sandbox.key);
    await waitFor(async () => {
      const [message] = await messagesOf(platform.db, accepted.broadcastUuid);
      return message?.status === "delivered";
    });

    expect(accepted.reserved).toBe(0);
    const [message] = await messagesOf(platform.db, accepted.broadcastUuid);
    expect(message?.billing_state).toBe("free");
    expect(await clientCredit(platform.db, sandbox.clientId)).toEqual({
      balance: 0,
      reserved: 0,
      accrued: 0,
    });
    const view = await getBroadcast(accepted.broadcastUuid, sandbox.key);
    expect(view.body.data).toMatchObject({ livemode: false, reserved: 0, settled: 0 });
  });
});

describe("provider failures", () => {
  it("retry transient errors, then send each message once and charge it once", async () => {
    const elfo = platform.runtime.simulators?.elfo;
    if (!elfo) throw new Error("the test platform runs the Elfo simulator");

    const accepted = await send({ recipients: ["0123459992", "0123459993", "0123454444"] });
    const done = await waitForSettled(accepted.broadcastUuid);

    expect(done).toMatchObject({ reserved: 3 * rate, settled: 3 * rate, released: 0 });
    const messages = await messagesOf(platform.db, accepted.broadcastUuid);
    expect(messages.map((message) => message.billing_state)).toEqual([
      "settled",
      "settled",
      "settled",
    ]);
    expect(messages.map((message) => elfo.callsByReference.get(message.id))).toEqual([2, 2, 1]);
    const settlements = (await platform.db.execute(
      sql`SELECT coalesce(sum(amount), 0) AS amount, coalesce(sum(message_count), 0) AS count
        FROM ledger_entries WHERE broadcast_id = ${accepted.broadcastUuid} AND kind = 'settlement'`,
    )) as unknown as { amount: string; count: string }[];
    expect(settlements[0]).toEqual({ amount: String(3 * rate), count: "3" });
  });

  it("release the credit of a permanent failure", async () => {
    const before = await clientCredit(platform.db, client.clientId);

    const accepted = await send({ recipients: ["0123459990"] });
    const done = await waitForSettled(accepted.broadcastUuid);

    expect(done).toMatchObject({ counts: { failed: 1 }, settled: 0, released: rate });
    expect(await clientCredit(platform.db, client.clientId)).toMatchObject({
      balance: before.balance,
    });
    expect(await verifyLedger(platform.db)).toEqual([]);
  });
});

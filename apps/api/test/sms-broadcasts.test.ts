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
import { clientCredit, messagesOf, smsBroadcastCalls } from "./sms-helpers.ts";

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

const { send, getBroadcast, waitForSettled } = smsBroadcastCalls(() => ({ platform, client }));

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

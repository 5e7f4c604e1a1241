import { afterAll, beforeAll, describe, expect, it } from "vitest";
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

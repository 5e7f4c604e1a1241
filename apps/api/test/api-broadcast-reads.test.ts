import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import {
  api,
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
  waitFor,
} from "./harness.ts";
import { loadConformance } from "./openapi-conformance.ts";
import { smsBody } from "./sms-helpers.ts";

let platform: TestPlatform;
let conformance: Awaited<ReturnType<typeof loadConformance>>;

beforeAll(async () => {
  platform = await startTestPlatform();
  conformance = await loadConformance(platform.url);
});
afterAll(async () => {
  await platform.close();
});

describe("reading broadcasts", () => {
  let client: TestClient;
  const ids: string[] = [];

  beforeAll(async () => {
    client = await createTestClient(platform.db);
    for (let i = 0; i < 5; i++) {
      const response = await api(platform.url, "POST", "/sms", {
        key: client.key,
        body: smsBody({
          campaignName: `Page ${i}`,
          recipients: ["0123456701", "0123456702", "0123456703"],
        }),
      });
      ids.push(response.body.data.broadcastUuid);
    }
  });

  it("pages through broadcasts newest first with an opaque cursor", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `?limit=2&cursor=${cursor}` : "?limit=2";
      const page = await api(platform.url, "GET", `/broadcasts${query}`, { key: client.key });
      expect(page.status).toBe(200);
      conformance.check("GET", "/broadcasts", page);
      seen.push(
        ...page.body.data.items.map((item: { broadcastUuid: string }) => item.broadcastUuid),
      );
      cursor = page.body.data.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...ids].reverse());

    const badCursor = await api(platform.url, "GET", "/broadcasts?cursor=garbage", {
      key: client.key,
    });
    expect(badCursor.status).toBe(400);
    conformance.check("GET", "/broadcasts", badCursor);
    const badLimit = await api(platform.url, "GET", "/broadcasts?limit=1000", { key: client.key });
    expect(badLimit.status).toBe(400);
  });

  it("pages through a broadcast's messages, filtered by status", async () => {
    const id = ids[0] as string;
    await waitFor(async () => {
      const response = await api(platform.url, "GET", `/broadcasts/${id}`, { key: client.key });
      return response.body.data.counts.delivered === 3;
    });
    const first = await api(platform.url, "GET", `/broadcasts/${id}/messages?limit=2`, {
      key: client.key,
    });
    conformance.check("GET", "/broadcasts/{uuid}/messages", first);
    const second = await api(
      platform.url,
      "GET",
      `/broadcasts/${id}/messages?limit=2&cursor=${first.body.data.nextCursor}`,
      { key: client.key },
    );
    const recipients = [...first.body.data.items, ...second.body.data.items].map(
      (m) => m.recipient,
    );
    expect(recipients).toEqual(["+60123456701", "+60123456702", "+60123456703"]);
    expect(second.body.data.nextCursor).toBeNull();

    const failed = await api(platform.url, "GET", `/broadcasts/${id}/messages?status=failed`, {
      key: client.key,
    });
    expect(failed.body.data.items).toEqual([]);
    const single = await api(platform.url, "GET", `/broadcasts/${id}`, { key: client.key });
    conformance.check("GET", "/broadcasts/{uuid}", single);
    const message = await api(
      platform.url,
      "GET",
      `/messages/${first.body.data.items[0].messageUuid}`,
      {
        key: client.key,
      },
    );
    conformance.check("GET", "/messages/{uuid}", message);
  });

  it("hides other clients' broadcasts and needs read_messages", async () => {
    const other = await createTestClient(platform.db);
    const sender = await createTestClient(platform.db, { scopes: ["send_sms"] });
    const list = await api(platform.url, "GET", "/broadcasts", { key: other.key });
    expect(list.body.data.items).toEqual([]);
    const messages = await api(platform.url, "GET", `/broadcasts/${ids[0]}/messages`, {
      key: other.key,
    });
    expect(messages.status).toBe(404);
    conformance.check("GET", "/broadcasts/{uuid}/messages", messages);
    const denied = await api(platform.url, "GET", "/broadcasts", { key: sender.key });
    expect(denied.status).toBe(403);
    conformance.check("GET", "/broadcasts", denied);
  });
});

describe("cancelling a broadcast", () => {
  it("fails unsent messages as cancelled and releases their credit", async () => {
    const client = await createTestClient(platform.db, { credit: 1000 });
    const scheduledAt = new Date(Date.now() + 3600_000).toISOString();
    const created = await api(platform.url, "POST", "/sms", {
      key: client.key,
      body: smsBody({
        type: "schedule broadcast",
        scheduledAt,
        recipients: ["0123456711", "0123456712"],
      }),
    });
    const id = created.body.data.broadcastUuid;
    const before = await api(platform.url, "GET", "/balance", { key: client.key });
    expect(before.body.data).toMatchObject({ available: 990, reserved: 10 });

    const cancelled = await api(platform.url, "POST", `/broadcasts/${id}/cancel`, {
      key: client.key,
    });

    expect(cancelled.status).toBe(200);
    conformance.check("POST", "/broadcasts/{uuid}/cancel", cancelled);
    expect(cancelled.body.data).toMatchObject({
      status: "cancelled",
      released: 10,
      counts: { failed: 2 },
    });
    const messages = await api(platform.url, "GET", `/broadcasts/${id}/messages`, {
      key: client.key,
    });
    expect(messages.body.data.items.map((m: { errorCode: string }) => m.errorCode)).toEqual([
      "cancelled",
      "cancelled",
    ]);
    const after = await api(platform.url, "GET", "/balance", { key: client.key });
    expect(after.body.data).toMatchObject({ available: 1000, reserved: 0 });
    conformance.check("GET", "/balance", after);
    expect(await verifyLedger(platform.db)).toEqual([]);
    const twice = await api(platform.url, "POST", `/broadcasts/${id}/cancel`, { key: client.key });
    expect(twice.status).toBe(200);
  });

  it("refuses a finished broadcast, another client's, and a key without send scope", async () => {
    const client = await createTestClient(platform.db);
    const created = await api(platform.url, "POST", "/sms", { key: client.key, body: smsBody() });
    const id = created.body.data.broadcastUuid;
    await waitFor(async () => {
      const response = await api(platform.url, "GET", `/broadcasts/${id}`, { key: client.key });
      return response.body.data.status === "completed";
    });
    const finished = await api(platform.url, "POST", `/broadcasts/${id}/cancel`, {
      key: client.key,
    });
    expect(finished.status).toBe(409);
    conformance.check("POST", "/broadcasts/{uuid}/cancel", finished);

    const other = await createTestClient(platform.db);
    const foreign = await api(platform.url, "POST", `/broadcasts/${id}/cancel`, { key: other.key });
    expect(foreign.status).toBe(404);
    const sameClientReader = await createTestClient(platform.db, { scopes: ["read_messages"] });
    const denied = await api(platform.url, "POST", `/broadcasts/${id}/cancel`, {
      key: sameClientReader.key,
    });
    expect(denied.status).toBe(403);
  });
});

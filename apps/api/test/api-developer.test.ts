import { Validator } from "@seriousme/openapi-schema-validator";
import { sql } from "drizzle-orm";
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

let platform: TestPlatform;
let conformance: Awaited<ReturnType<typeof loadConformance>>;

beforeAll(async () => {
  platform = await startTestPlatform({ IDEMPOTENCY_WAIT_MS: "20000" });
  conformance = await loadConformance(platform.url);
});
afterAll(async () => {
  await platform.close();
});

function smsBody(overrides: Record<string, unknown> = {}) {
  return {
    campaignName: "Dev surface",
    type: "quick broadcast",
    templateContent: "Hello",
    recipients: ["0123456789"],
    ...overrides,
  };
}

async function broadcastCount(clientId: string): Promise<number> {
  const rows = await platform.db.execute(
    sql`SELECT count(*)::int AS n FROM broadcasts WHERE client_id = ${clientId}`,
  );
  return (rows as unknown as { n: number }[])[0]?.n ?? 0;
}

describe("the OpenAPI document", () => {
  it("passes an independent OpenAPI 3.1 validator and covers every route and webhook", async () => {
    const validator = new Validator();
    const result = await validator.validate(structuredClone(conformance.document));
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(conformance.document.openapi).toBe("3.1.0");

    const paths = Object.keys(conformance.document.paths);
    for (const path of [
      "/sms",
      "/sms/preview",
      "/broadcasts",
      "/broadcasts/{uuid}",
      "/broadcasts/{uuid}/messages",
      "/broadcasts/{uuid}/cancel",
      "/broadcasts/validate",
      "/messages/{uuid}",
      "/balance",
      "/rates",
      "/usage",
      "/webhook-endpoints",
      "/webhook-endpoints/{id}",
      "/webhook-endpoints/{id}/rotate-secret",
      "/webhook-endpoints/{id}/test",
      "/webhook-endpoints/{id}/deliveries",
      "/webhook-deliveries/{id}/retry",
      "/whatsapp",
      "/whatsapp/test",
      "/whatsapp/upload-header-image",
      "/email",
      "/suppressions",
      "/callbacks/elfo",
      "/callbacks/meta",
      "/callbacks/ses",
      "/healthz",
      "/openapi.json",
      "/docs",
    ]) {
      expect(paths).toContain(path);
    }
    // Every documented operation is a route the server really has.
    const app = platform.runtime.app;
    for (const [path, operations] of Object.entries(conformance.document.paths)) {
      for (const method of Object.keys(operations as object)) {
        const url = path.replace(/\{([^}]+)\}/g, ":$1");
        expect(
          app?.hasRoute({ method: method.toUpperCase() as "GET", url }),
          `${method} ${path}`,
        ).toBe(true);
      }
    }
    expect(Object.keys(conformance.document.webhooks).sort()).toEqual(
      ["billed", "bounced", "delivered", "failed", "read"].sort(),
    );
  });

  it("serves the reference page and its viewer from this server", async () => {
    const page = await fetch(`${platform.url}/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain("/docs/reference.js");
    expect(html).not.toMatch(/https?:\/\//);
    const viewer = await fetch(`${platform.url}/docs/reference.js`);
    expect(viewer.status).toBe(200);
    expect((await viewer.arrayBuffer()).byteLength).toBeGreaterThan(100_000);
  });
});

describe("Idempotency-Key on POST /sms", () => {
  it("replays the first response and creates nothing new", async () => {
    const client = await createTestClient(platform.db);
    const headers = { "idempotency-key": "order-1001" };

    const first = await api(platform.url, "POST", "/sms", {
      key: client.key,
      body: smsBody(),
      headers,
    });
    const again = await api(platform.url, "POST", "/sms", {
      key: client.key,
      body: smsBody(),
      headers,
    });

    expect(first.status).toBe(202);
    conformance.check("POST", "/sms", first);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get("idempotent-replayed")).toBe("true");
    expect(await broadcastCount(client.clientId)).toBe(1);
  });

  it("answers 409 for the same key with a different body", async () => {
    const client = await createTestClient(platform.db);
    const headers = { "idempotency-key": "order-1002" };
    await api(platform.url, "POST", "/sms", { key: client.key, body: smsBody(), headers });

    const changed = await api(platform.url, "POST", "/sms", {
      key: client.key,
      body: smsBody({ templateContent: "Different" }),
      headers,
    });

    expect(changed.status).toBe(409);
    conformance.check("POST", "/sms", changed);
    expect(await broadcastCount(client.clientId)).toBe(1);
  });

  it("creates one broadcast from concurrent requests with one key", async () => {
    const client = await createTestClient(platform.db);
    const headers = { "idempotency-key": "order-1003" };
    const body = smsBody({
      recipients: Array.from({ length: 300 }, (_, i) => `01234${String(i).padStart(5, "0")}`),
    });

    const responses = await Promise.all(
      Array.from({ length: 6 }, () =>
        api(platform.url, "POST", "/sms", { key: client.key, body, headers }),
      ),
    );

    expect(responses.map((response) => response.status)).toEqual(Array(6).fill(202));
    expect(new Set(responses.map((response) => response.body.data.broadcastUuid)).size).toBe(1);
    expect(await broadcastCount(client.clientId)).toBe(1);
  });

  it("keeps keys per client and lets a refused request be retried", async () => {
    const poor = await createTestClient(platform.db, { credit: 1 });
    const other = await createTestClient(platform.db);
    const headers = { "idempotency-key": "shared-key" };

    const refused = await api(platform.url, "POST", "/sms", {
      key: poor.key,
      body: smsBody(),
      headers,
    });
    const elsewhere = await api(platform.url, "POST", "/sms", {
      key: other.key,
      body: smsBody(),
      headers,
    });
    const bad = await api(platform.url, "POST", "/sms", {
      key: other.key,
      body: smsBody(),
      headers: { "idempotency-key": "x".repeat(300) },
    });

    expect(refused.status).toBe(402);
    conformance.check("POST", "/sms", refused);
    expect(elsewhere.status).toBe(202);
    expect(bad.status).toBe(400);
    const retried = await api(platform.url, "POST", "/sms", {
      key: poor.key,
      body: smsBody({ templateContent: "Changed after the refusal" }),
      headers,
    });
    expect(retried.status).toBe(402);
  });
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

describe("validate and preview", () => {
  it("checks recipients row by row with only the channel's send scope", async () => {
    const whatsappOnly = await createTestClient(platform.db, { scopes: ["send_whatsapp"] });
    const body = {
      channel: "whatsapp",
      recipients: ["60123456789", "+6012-345 6789", "abc", "+14155550123"],
    };

    const response = await api(platform.url, "POST", "/broadcasts/validate", {
      key: whatsappOnly.key,
      body,
    });

    expect(response.status).toBe(200);
    conformance.check("POST", "/broadcasts/validate", response);
    expect(response.body.data.summary).toEqual({ total: 4, valid: 2, invalid: 2 });
    expect(response.body.data.valid).toEqual([
      { row: 0, value: "+60123456789" },
      { row: 3, value: "+14155550123" },
    ]);
    expect(response.body.data.invalid.map((row: { code: string }) => row.code)).toEqual([
      "duplicate",
      "invalid_phone",
    ]);
    const sms = await api(platform.url, "POST", "/broadcasts/validate", {
      key: whatsappOnly.key,
      body: { ...body, channel: "sms" },
    });
    expect(sms.status).toBe(403);
    const bad = await api(platform.url, "POST", "/broadcasts/validate", {
      key: whatsappOnly.key,
      body: { channel: "fax", recipients: [] },
    });
    expect(bad.status).toBe(400);
    conformance.check("POST", "/broadcasts/validate", bad);
  });

  it("previews an SMS with its segments, prefix, warnings and cost", async () => {
    const client = await createTestClient(platform.db, { scopes: ["send_sms"] });
    const response = await api(platform.url, "POST", "/sms/preview", {
      key: client.key,
      body: { content: "Sale at www.example.com today", brand: "Acme" },
    });

    expect(response.status).toBe(200);
    conformance.check("POST", "/sms/preview", response);
    expect(response.body.data).toMatchObject({
      text: "RM0.00 Sale at www.example.com today",
      encoding: "GSM-7",
      segments: 1,
      prefixApplied: true,
      costPerRecipient: 5,
      currency: "MYR",
    });
    expect(response.body.data.warnings.map((w: { code: string }) => w.code)).toEqual([
      "contains_url",
      "missing_brand",
    ]);
    const unicode = await api(platform.url, "POST", "/sms/preview", {
      key: client.key,
      body: { content: `RM0.00 ${"好".repeat(70)}` },
    });
    expect(unicode.body.data).toMatchObject({
      encoding: "UCS-2",
      segments: 2,
      prefixApplied: false,
    });
  });
});

describe("balance, rates and usage", () => {
  it("shows the client's balance and rates with read_billing only", async () => {
    const client = await createTestClient(platform.db, { credit: 4321, scopes: ["read_billing"] });
    const balance = await api(platform.url, "GET", "/balance", { key: client.key });
    const rates = await api(platform.url, "GET", "/rates", { key: client.key });
    expect(balance.body.data).toMatchObject({ billing: "prepaid", available: 4321, reserved: 0 });
    conformance.check("GET", "/rates", rates);
    expect(rates.body.data).toMatchObject({ sms: { perSegment: 5 }, currency: "MYR" });
    const sender = await createTestClient(platform.db, { scopes: ["send_sms"] });
    const denied = await api(platform.url, "GET", "/balance", { key: sender.key });
    expect(denied.status).toBe(403);
    conformance.check("GET", "/balance", denied);
  });

  it("logs every API call of a client and pages through them", async () => {
    const client = await createTestClient(platform.db);
    await api(platform.url, "GET", "/rates", { key: client.key });
    await api(platform.url, "GET", "/broadcasts/00000000-0000-0000-0000-000000000000", {
      key: client.key,
    });
    await api(platform.url, "POST", "/sms", { key: client.key, body: { campaignName: "" } });

    const logged = await waitFor(async () => {
      const response = await api(platform.url, "GET", "/usage?limit=50", { key: client.key });
      const items = response.body.data.items as { method: string; path: string; status: number }[];
      return items.some((item) => item.method === "POST") ? response : null;
    });
    conformance.check("GET", "/usage", logged);
    const calls = logged.body.data.items.map(
      (item: { method: string; path: string; status: number }) =>
        `${item.method} ${item.path} ${item.status}`,
    );
    expect(calls).toEqual(
      expect.arrayContaining(["GET /rates 200", "GET /broadcasts/:uuid 404", "POST /sms 400"]),
    );
    const firstPage = await api(platform.url, "GET", "/usage?limit=2", { key: client.key });
    const secondPage = await api(
      platform.url,
      "GET",
      `/usage?limit=2&cursor=${firstPage.body.data.nextCursor}`,
      { key: client.key },
    );
    const ids = [...firstPage.body.data.items, ...secondPage.body.data.items].map(
      (item: { requestId: string }) => item.requestId,
    );
    expect(new Set(ids).size).toBe(4);
    const other = await createTestClient(platform.db);
    const theirs = await api(platform.url, "GET", "/usage", { key: other.key });
    expect(theirs.body.data.items).toEqual([]);
  });
});

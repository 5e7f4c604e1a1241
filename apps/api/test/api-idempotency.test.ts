import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createTestClient, startTestPlatform, type TestPlatform } from "./harness.ts";
import { loadConformance } from "./openapi-conformance.ts";
import { smsBody } from "./sms-helpers.ts";

let platform: TestPlatform;
let conformance: Awaited<ReturnType<typeof loadConformance>>;

beforeAll(async () => {
  platform = await startTestPlatform({ IDEMPOTENCY_WAIT_MS: "20000" });
  conformance = await loadConformance(platform.url);
});
afterAll(async () => {
  await platform.close();
});

async function broadcastCount(clientId: string): Promise<number> {
  const rows = await platform.db.execute(
    sql`SELECT count(*)::int AS n FROM broadcasts WHERE client_id = ${clientId}`,
  );
  return (rows as unknown as { n: number }[])[0]?.n ?? 0;
}

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
    // The replay counts nothing, and says so in the limit's headers.
    expect(again.headers.get("ratelimit-remaining")).toBe(first.headers.get("ratelimit-remaining"));
    expect(again.headers.get("ratelimit-limit")).toBeTruthy();
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

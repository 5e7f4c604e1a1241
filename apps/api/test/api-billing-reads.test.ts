import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createTestClient, startTestPlatform, type TestPlatform, waitFor } from "./harness.ts";
import { loadConformance } from "./openapi-conformance.ts";

let platform: TestPlatform;
let conformance: Awaited<ReturnType<typeof loadConformance>>;

beforeAll(async () => {
  platform = await startTestPlatform();
  conformance = await loadConformance(platform.url);
});
afterAll(async () => {
  await platform.close();
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
    const [key] = (await platform.db.execute(
      sql`SELECT last_used_at FROM api_keys WHERE client_id = ${client.clientId}`,
    )) as unknown as { last_used_at: string | null }[];
    expect(key?.last_used_at).toBeTruthy();
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

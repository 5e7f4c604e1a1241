import type { AddressInfo } from "node:net";
import { apiKeys } from "@teekrr/db";
import { eq } from "drizzle-orm";
import type { FastifyInstance } from "fastify";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey, rotateApiKey } from "../src/domain/api-keys.ts";
import { configFor } from "../src/env.ts";
import { buildServer } from "../src/http/server.ts";
import {
  api,
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
  testSettings,
} from "./harness.ts";
import { smsBody } from "./sms-helpers.ts";

let platform: TestPlatform;
let client: TestClient;

beforeAll(async () => {
  // One trusted hop: the socket is the proxy, the last X-Forwarded-For entry the client.
  platform = await startTestPlatform({ TRUST_PROXY: "1" });
  client = await createTestClient(platform.db);
});
afterAll(async () => {
  await platform.close();
});

function sendSms(key: string | undefined, headers: Record<string, string> = {}) {
  return api(platform.url, "POST", "/sms", { key, body: smsBody(), headers });
}

async function keyWith(options: { ipAllowlist?: string[]; expiresAt?: Date } = {}) {
  const { key, apiKey } = await createApiKey(platform.db, {
    clientId: client.clientId,
    name: "auth test",
    scopes: ["send_sms"],
    ...options,
  });
  return { key, id: apiKey.id };
}

describe("the Authorization header", () => {
  it.each([
    ["missing", {}],
    ["empty", { authorization: "" }],
    ["without a token", { authorization: "Bearer" }],
    ["another scheme", { authorization: "Basic dXNlcjpwYXNz" }],
    ["a token with spaces", { authorization: "Bearer tk_live_abc def ghi" }],
    ["a token with symbols", { authorization: "Bearer tk_live_$$$$$$$$$$" }],
    ["a short token", { authorization: "Bearer abc" }],
  ])("is refused when %s", async (_case, headers) => {
    const response = await sendSms(undefined, headers);

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: "Missing or invalid Authorization header" });
    expect(response.headers.get("request-id")).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("accepts the scheme in any case, as HTTP allows", async () => {
    const response = await api(platform.url, "POST", "/sms", {
      body: smsBody(),
      headers: { authorization: `bearer ${client.key}` },
    });

    expect(response.status).toBe(202);
  });
});

describe("API keys", () => {
  it("refuses an unknown key", async () => {
    const response = await sendSms(`tk_live_${"x".repeat(43)}`);

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: "Invalid API key" });
  });

  it("refuses a revoked key, even one that has also expired", async () => {
    const { key, id } = await keyWith({ expiresAt: new Date(Date.now() - 60_000) });
    await revokeApiKey(platform.db, client.clientId, id);

    const response = await sendSms(key);

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: "API key has been revoked" });
  });

  it("refuses an expired key before looking at the address", async () => {
    const { key } = await keyWith({
      expiresAt: new Date(Date.now() - 1000),
      ipAllowlist: ["192.0.2.1"],
    });

    const response = await sendSms(key);

    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: "API key has expired" });
  });

  it("accepts a key whose expiry is still ahead", async () => {
    const { key } = await keyWith({ expiresAt: new Date(Date.now() + 3600_000) });

    expect((await sendSms(key)).status).toBe(202);
  });

  it("keeps a rotated key working during its grace window, and the new one too", async () => {
    const old = await keyWith();

    const rotated = await rotateApiKey(platform.db, client.clientId, old.id, 24);

    expect((await sendSms(old.key)).status).toBe(202);
    expect((await sendSms(rotated.key)).status).toBe(202);
    expect(rotated.previousKeyExpiresAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3600_000);
    const [row] = await platform.db.select().from(apiKeys).where(eq(apiKeys.id, old.id));
    expect(row?.rotatedToId).toBe(rotated.apiKey.id);
  });

  it("refuses a rotated key once its grace window is over", async () => {
    const old = await keyWith();

    const rotated = await rotateApiKey(platform.db, client.clientId, old.id, 0);

    const response = await sendSms(old.key);
    expect(response.status).toBe(401);
    expect(response.body).toEqual({ message: "API key has expired" });
    expect((await sendSms(rotated.key)).status).toBe(202);
  });

  it("refuses a key without the endpoint's scope", async () => {
    const reader = await createTestClient(platform.db, { scopes: ["read_messages"] });

    const response = await sendSms(reader.key);

    expect(response.status).toBe(403);
    expect(response.body).toEqual({
      message: "API key does not have the required scope: send_sms",
    });
  });
});

describe("the IP allow-list behind a trusted proxy", () => {
  it.each([
    ["a single IPv4 address", ["203.0.113.7"], "203.0.113.7", "203.0.113.8"],
    ["an IPv4 range", ["198.51.100.0/24"], "198.51.100.200", "198.51.101.1"],
    ["a single IPv6 address", ["2001:db8::1"], "2001:db8::1", "2001:db8::2"],
    ["an IPv6 range", ["2001:db8:abcd::/48"], "2001:db8:abcd:12::5", "2001:db8:abce::1"],
    ["a mixed list", ["203.0.113.0/28", "2001:db8::/32"], "2001:db8:ff::1", "203.0.113.16"],
  ])("admits %s and refuses others", async (_case, allowlist, inside, outside) => {
    const { key } = await keyWith({ ipAllowlist: allowlist });

    const admitted = await sendSms(key, { "x-forwarded-for": `10.9.9.9, ${inside}` });
    const refused = await sendSms(key, { "x-forwarded-for": outside });

    expect(admitted.status).toBe(202);
    expect(refused.status).toBe(403);
    expect(refused.body).toEqual({ message: "Request IP is not in the API key whitelist" });
  });

  it("believes only the hop the proxy added, not one the client wrote", async () => {
    const { key } = await keyWith({ ipAllowlist: ["203.0.113.7"] });

    const response = await sendSms(key, { "x-forwarded-for": "203.0.113.7, 192.0.2.50" });

    expect(response.status).toBe(403);
  });
});

describe("the IP allow-list without a trusted proxy", () => {
  let direct: FastifyInstance;
  let directUrl: string;

  beforeAll(async () => {
    const config = configFor({ ...testSettings });
    direct = await buildServer({ ...platform.runtime.platform, config });
    await direct.listen({ host: "127.0.0.1", port: 0 });
    directUrl = `http://127.0.0.1:${(direct.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await direct.close();
  });

  it("ignores X-Forwarded-For and checks the socket address", async () => {
    const remote = await keyWith({ ipAllowlist: ["203.0.113.7"] });
    const local = await keyWith({ ipAllowlist: ["127.0.0.0/8"] });
    const headers = { "x-forwarded-for": "203.0.113.7" };

    const spoofed = await api(directUrl, "POST", "/sms", {
      key: remote.key,
      body: smsBody(),
      headers,
    });
    const fromSocket = await api(directUrl, "POST", "/sms", {
      key: local.key,
      body: smsBody(),
      headers,
    });

    expect(spoofed.status).toBe(403);
    expect(spoofed.body).toEqual({ message: "Request IP is not in the API key whitelist" });
    expect(fromSocket.status).toBe(202);
  });
});

describe("Request-Id", () => {
  it("is on every response, success or error, and differs between requests", async () => {
    const responses = await Promise.all([
      sendSms(client.key),
      sendSms(undefined),
      api(platform.url, "GET", "/nowhere"),
      api(platform.url, "GET", "/healthz"),
      api(platform.url, "POST", "/sms", { key: client.key, raw: "{", headers: json }),
    ]);

    const ids = responses.map((response) => response.headers.get("request-id"));
    for (const id of ids) expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(new Set(ids).size).toBe(ids.length);
  });
});

const json = { "content-type": "application/json" };

import { Validator } from "@seriousme/openapi-schema-validator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createTestClient, startTestPlatform, type TestPlatform } from "./harness.ts";
import { loadConformance, type ReceivedResponse } from "./openapi-conformance.ts";

const bodyLimit = 64 * 1024;
let platform: TestPlatform;
let conformance: Awaited<ReturnType<typeof loadConformance>>;

beforeAll(async () => {
  platform = await startTestPlatform({
    BODY_LIMIT_BYTES: String(bodyLimit),
    WEBHOOK_ALLOW_HTTP: "true",
    WEBHOOK_ALLOW_LOOPBACK: "true",
  });
  conformance = await loadConformance(platform.url);
});
afterAll(async () => {
  await platform.close();
});

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

function jsonResponse(status: number, body: unknown): ReceivedResponse {
  return { status, headers: new Headers({ "content-type": "application/json" }), body };
}

describe("the conformance check", () => {
  const balance = {
    billing: "prepaid",
    currency: "MYR",
    available: 100,
    reserved: 0,
    spendingCap: null,
    accruedThisCycle: null,
  };

  it("accepts a documented response and refuses every kind of mismatch", () => {
    const { problemOf } = conformance;

    expect(problemOf("GET", "/balance", jsonResponse(200, { data: balance }))).toBeNull();
    expect(
      problemOf("GET", "/balance", jsonResponse(200, { data: { billing: "prepaid" } })),
    ).not.toBeNull();
    expect(
      problemOf("GET", "/balance", jsonResponse(200, { data: { ...balance, extra: 1 } })),
    ).not.toBeNull();
    expect(problemOf("GET", "/balance", jsonResponse(418, { message: "Teapot" }))).not.toBeNull();
    expect(problemOf("GET", "/balance", jsonResponse(401, { error: "no key" }))).not.toBeNull();
    const text = { status: 200, headers: new Headers({ "content-type": "text/plain" }), body: "" };
    expect(problemOf("GET", "/balance", text)).not.toBeNull();
    expect(problemOf("GET", "/nowhere", jsonResponse(200, { data: {} }))).not.toBeNull();
    expect(problemOf("GET", "/nowhere", jsonResponse(404, { message: "Not found" }))).toBeNull();
  });

  it("matches literal paths before templated ones, and ignores the query", () => {
    expect(conformance.templateFor("POST", "/broadcasts/validate")).toBe("/broadcasts/validate");
    expect(conformance.templateFor("GET", "/broadcasts/abc?limit=2")).toBe("/broadcasts/{uuid}");
    expect(conformance.templateFor("DELETE", "/broadcasts/abc")).toBeNull();
  });
});

describe("refusals made before any handler runs", () => {
  it("documents what every operation of its kind can answer", () => {
    for (const [path, operations] of Object.entries(conformance.document.paths)) {
      for (const [method, operation] of Object.entries(operations as Record<string, any>)) {
        const statuses = Object.keys(operation.responses);
        const expected = ["500"];
        if (operation.security.length > 0) expected.push("401", "403");
        if (path.includes("{")) expected.push("400", "404");
        if (method !== "get") expected.push("400", "413");
        const raw = path === "/callbacks/meta" || path === "/callbacks/ses";
        if (method !== "get" && !raw) expected.push("415");

        expect(statuses, `${method} ${path}`).toEqual(expect.arrayContaining(expected));
      }
    }
  });

  it("answers them in the envelope, as documented, on routes with and without a body", async () => {
    const client = await createTestClient(platform.db);
    const endpoint = await api(platform.url, "POST", "/webhook-endpoints", {
      key: client.key,
      body: { url: "http://127.0.0.1:9/teekrr" },
    });
    expect(endpoint.status).toBe(201);
    const id = endpoint.body.data.id;
    const large = JSON.stringify({ text: "x".repeat(bodyLimit) });
    const json = { "content-type": "application/json" };

    for (const path of [
      "/email",
      "/webhook-endpoints",
      "/sms/preview",
      "/whatsapp/test",
      "/suppressions",
    ]) {
      const response = await api(platform.url, "POST", path, {
        key: client.key,
        raw: large,
        headers: json,
      });
      expect(response.status, path).toBe(413);
      expect(response.body.message).toBe("Request body is too large");
    }
    for (const path of [
      "/webhook-endpoints",
      `/webhook-endpoints/${id}/rotate-secret`,
      "/broadcasts/00000000-0000-0000-0000-000000000000/cancel",
    ]) {
      const response = await api(platform.url, "POST", path, {
        key: client.key,
        raw: "<graceHours>1</graceHours>",
        headers: { "content-type": "application/xml" },
      });
      expect(response.status, path).toBe(415);
      expect(response.body.message).toBe("Content-Type must be application/json");
    }
    for (const [method, path] of [
      ["DELETE", `/webhook-endpoints/${id}`],
      ["POST", "/webhook-deliveries/00000000-0000-0000-0000-000000000000/retry"],
    ]) {
      const response = await api(platform.url, method as string, path as string, {
        key: client.key,
        headers: json,
      });
      expect(response.status, path).toBe(400);
      expect(response.body.errors).toEqual([{ field: "body", message: "Request body is empty" }]);
    }
  });
});

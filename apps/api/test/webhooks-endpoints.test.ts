import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createTestClient, startTestPlatform, type TestPlatform, waitFor } from "./harness.ts";
import { type Receiver, startReceiver } from "./webhook-receiver.ts";

let platform: TestPlatform;
let receiver: Receiver;

beforeAll(async () => {
  platform = await startTestPlatform({
    WEBHOOK_ALLOW_HTTP: "true",
    WEBHOOK_ALLOW_LOOPBACK: "true",
  });
  receiver = await startReceiver();
});
afterAll(async () => {
  await platform.close();
  await receiver.close();
});

describe("webhook endpoint management", () => {
  it("refuses hostile URLs at registration under the default settings", async () => {
    // The test defaults allow neither plain http nor loopback receivers.
    const strictPlatform = await startTestPlatform();
    try {
      const client = await createTestClient(strictPlatform.db);
      for (const url of [
        receiver.url,
        "https://127.0.0.1/",
        "https://[::1]/",
        "https://localhost/",
      ]) {
        const response = await api(strictPlatform.url, "POST", "/webhook-endpoints", {
          key: client.key,
          body: { url },
        });
        expect(response.status).toBe(400);
        expect(response.body.errors[0].field).toBe("url");
      }
      const list = await api(strictPlatform.url, "GET", "/webhook-endpoints", { key: client.key });
      expect(list.body.data).toEqual([]);
    } finally {
      await strictPlatform.close();
    }
  });

  it("creates, lists, changes and deletes endpoints, audited, secret shown once", async () => {
    const client = await createTestClient(platform.db);
    const created = await api(platform.url, "POST", "/webhook-endpoints", {
      key: client.key,
      body: { url: receiver.url, events: ["failed", "read"] },
    });
    expect(created.status).toBe(201);
    const id = created.body.data.id;

    const list = await api(platform.url, "GET", "/webhook-endpoints", { key: client.key });
    expect(list.body.data).toHaveLength(1);
    expect(JSON.stringify(list.body)).not.toContain(created.body.data.secret);
    expect(list.body.data[0]).not.toHaveProperty("secret");

    const patched = await api(platform.url, "PATCH", `/webhook-endpoints/${id}`, {
      key: client.key,
      body: { active: false, events: ["delivered"] },
    });
    expect(patched.body.data).toMatchObject({ active: false, events: ["delivered"] });
    const empty = await api(platform.url, "PATCH", `/webhook-endpoints/${id}`, {
      key: client.key,
      body: {},
    });
    expect(empty.status).toBe(400);

    const removed = await api(platform.url, "DELETE", `/webhook-endpoints/${id}`, {
      key: client.key,
    });
    expect(removed.status).toBe(200);
    const audit = await platform.db.execute(
      sql`SELECT action, after::text FROM audit_log
        WHERE client_id = ${client.clientId} ORDER BY id`,
    );
    const actions = (audit as unknown as { action: string; after: string | null }[]).map(
      (r) => r.action,
    );
    expect(actions).toEqual([
      "client.create",
      "webhook_endpoint.create",
      "webhook_endpoint.update",
      "webhook_endpoint.delete",
    ]);
    expect(JSON.stringify(audit)).not.toContain("secret_hash");
  });

  it("answers 404 for another client's endpoint and delivery, 403 without the scope", async () => {
    const owner = await createTestClient(platform.db);
    const other = await createTestClient(platform.db);
    const readOnly = await createTestClient(platform.db, { scopes: ["read_messages"] });
    const created = await api(platform.url, "POST", "/webhook-endpoints", {
      key: owner.key,
      body: { url: receiver.url },
    });
    const id = created.body.data.id;
    const test = await api(platform.url, "POST", `/webhook-endpoints/${id}/test`, {
      key: owner.key,
      body: {},
    });
    const deliveryId = test.body.data.id;

    for (const [method, path] of [
      ["PATCH", `/webhook-endpoints/${id}`],
      ["DELETE", `/webhook-endpoints/${id}`],
      ["POST", `/webhook-endpoints/${id}/rotate-secret`],
      ["POST", `/webhook-endpoints/${id}/test`],
      ["GET", `/webhook-endpoints/${id}/deliveries`],
      ["POST", `/webhook-deliveries/${deliveryId}/retry`],
      ["GET", "/webhook-endpoints/not-a-uuid/deliveries"],
    ] as const) {
      const body = method === "PATCH" ? { active: false } : method === "POST" ? {} : undefined;
      const response = await api(platform.url, method, path, { key: other.key, body });
      expect(response.status, `${method} ${path}`).toBe(404);
      const denied = await api(platform.url, method, path, { key: readOnly.key, body });
      expect(denied.status).toBe(403);
      expect(denied.body.message).toBe("API key does not have the required scope: manage_webhooks");
    }
    const noKey = await api(platform.url, "GET", "/webhook-endpoints");
    expect(noKey.status).toBe(401);
  });
});

describe("an endpoint failing for too long", () => {
  it("is disabled and says why", async () => {
    const short = await startTestPlatform({
      WEBHOOK_ALLOW_HTTP: "true",
      WEBHOOK_ALLOW_LOOPBACK: "true",
      WEBHOOK_RETRY_SCHEDULE_SECONDS: "0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3,0.3",
      WEBHOOK_DISABLE_AFTER_SECONDS: "1",
    });
    const receiver = await startReceiver();
    receiver.respond(() => 500);
    try {
      const client = await createTestClient(short.db);
      const created = await api(short.url, "POST", "/webhook-endpoints", {
        key: client.key,
        body: { url: receiver.url },
      });
      await api(short.url, "POST", `/webhook-endpoints/${created.body.data.id}/test`, {
        key: client.key,
        body: {},
      });
      await api(short.url, "POST", "/sms", {
        key: client.key,
        body: {
          campaignName: "x",
          type: "quick broadcast",
          templateContent: "x",
          recipients: ["0123456789"],
        },
      });
      const disabled = await waitFor(async () => {
        const list = await api(short.url, "GET", "/webhook-endpoints", { key: client.key });
        return list.body.data[0].active ? null : list.body.data[0];
      });
      expect(disabled.disabledReason).toBe("Every delivery failed for too long");
      expect(disabled.disabledAt).toBeTruthy();
    } finally {
      await receiver.close();
      await short.close();
    }
  });
});

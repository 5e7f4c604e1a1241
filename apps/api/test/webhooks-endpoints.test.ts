import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { postWebhook } from "../src/domain/webhooks/transport.ts";
import {
  parseWebhookUrl,
  vetWebhookUrl,
  type WebhookUrlPolicy,
} from "../src/domain/webhooks/url-policy.ts";
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

const strict: WebhookUrlPolicy = {
  allowHttp: false,
  allowLoopback: false,
  allowPrivate: false,
  resolve: async () => [{ address: "93.184.216.34", family: 4 }],
};

const hostileUrls = [
  "http://hooks.example.com/",
  "https://127.0.0.1/",
  "https://127.1.2.3/",
  "https://localhost/",
  "https://10.0.0.1/",
  "https://172.16.0.1/",
  "https://192.168.1.1/",
  "https://100.64.0.1/",
  "https://169.254.169.254/latest/meta-data",
  "https://[::1]/",
  "https://[fd00::1]/",
  "https://[fd00:ec2::254]/",
  "https://[fe80::1]/",
  "https://[::ffff:127.0.0.1]/",
  "https://[::ffff:10.0.0.1]/",
  "https://0.0.0.0/",
  "https://2130706433/",
  "https://0177.0.0.1/",
  "https://0x7f.0.0.1/",
  "https://017700000001/",
  "https://user:pass@hooks.example.com/",
  "ftp://hooks.example.com/",
  "not a url",
];

describe("webhook URL checks", () => {
  it.each(hostileUrls)("refuses %s", async (url) => {
    const policy = { ...strict, resolve: async () => [{ address: "127.0.0.1", family: 4 }] };
    await expect(vetWebhookUrl(url, policy)).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("refuses a name that resolves to loopback, and one with any private address", async () => {
    const dns = async (host: string) => {
      if (host === "localhost") return [{ address: "127.0.0.1", family: 4 }];
      return [
        { address: "93.184.216.34", family: 4 },
        { address: "10.1.2.3", family: 4 },
      ];
    };
    const policy = { ...strict, resolve: dns };
    await expect(vetWebhookUrl("https://localhost/", policy)).rejects.toThrow();
    await expect(vetWebhookUrl("https://mixed.example.com/", policy)).rejects.toThrow();
    await expect(vetWebhookUrl("https://public.example.com/", strict)).resolves.toBeTruthy();
  });

  it("allows http and loopback only when the settings say so, never metadata", () => {
    const relaxed = { ...strict, allowHttp: true, allowLoopback: true, allowPrivate: true };
    expect(parseWebhookUrl("http://127.0.0.1:8080/hooks", relaxed).port).toBe("8080");
    expect(parseWebhookUrl("https://10.0.0.1/", relaxed).hostname).toBe("10.0.0.1");
    expect(() => parseWebhookUrl("http://169.254.169.254/", relaxed)).toThrow();
    expect(() => parseWebhookUrl("http://[fd00:ec2::254]/", relaxed)).toThrow();
  });

  it("checks again at delivery and connects to the vetted address, not a new answer", async () => {
    const received: string[] = [];
    const server = createServer((request, response) => {
      received.push(String(request.headers.host));
      response.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      // The name is not in any DNS: reaching the server proves the vetted address was used.
      const loopbackDns = { ...strict, allowHttp: true, allowLoopback: true };
      const pinned = {
        ...loopbackDns,
        resolve: async () => [{ address: "127.0.0.1", family: 4 }],
      };
      const ok = await postWebhook(`http://hooks.example.test:${port}/`, {}, "{}", pinned, 2000);
      expect(ok).toMatchObject({ ok: true, statusCode: 200 });
      expect(received).toEqual([`hooks.example.test:${port}`]);

      // The same name now resolving to a private address is refused without a request.
      const rebound = { ...loopbackDns, resolve: async () => [{ address: "10.0.0.7", family: 4 }] };
      const refused = await postWebhook(
        `http://hooks.example.test:${port}/`,
        {},
        "{}",
        rebound,
        2000,
      );
      expect(refused.ok).toBe(false);
      expect(refused.error).toMatch(/private network/);
      expect(received).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
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

describe("a receiver that answers too late", () => {
  const loopback: WebhookUrlPolicy = {
    allowHttp: true,
    allowLoopback: true,
    allowPrivate: false,
    resolve: async () => [{ address: "127.0.0.1", family: 4 }],
  };

  /** Runs `post` against a loopback receiver answering with `handler`, then closes it. */
  async function withReceiver(
    handler: Parameters<typeof createServer>[1],
    post: (url: string) => Promise<void>,
  ): Promise<void> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await post(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it("fails the attempt with the timeout instead of waiting for it", async () => {
    await withReceiver(
      (_request, response) => {
        setTimeout(() => response.writeHead(200).end(), 1500);
      },
      async (url) => {
        const result = await postWebhook(url, {}, "{}", loopback, 300);

        expect(result).toMatchObject({ ok: false, statusCode: null });
        expect(result.error).toBe("No response within 300 ms");
      },
    );
  });

  it("stops reading a trickled body at the deadline and keeps the status", async () => {
    await withReceiver(
      (_request, response) => {
        response.writeHead(200, { "content-type": "text/plain" });
        const drip = setInterval(() => response.write("."), 50);
        response.on("close", () => clearInterval(drip));
      },
      async (url) => {
        const result = await postWebhook(url, {}, "{}", loopback, 400);

        expect(result).toMatchObject({ ok: true, statusCode: 200 });
        // Reading stopped at the deadline, long before an excerpt's worth of dots arrived.
        expect(result.excerpt).toMatch(/^\.+$/);
        expect(result.excerpt?.length).toBeLessThan(1024);
      },
    );
  });
});

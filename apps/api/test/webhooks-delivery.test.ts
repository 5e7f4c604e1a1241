import { createHash, createHmac } from "node:crypto";
import { webhookEventBodies } from "@teekrr/shared";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import { api, createTestClient, type TestPlatform, waitFor } from "./harness.ts";
import { startWebhookPlatform, webhookCalls } from "./webhook-helpers.ts";
import { type ReceivedWebhook, type Receiver, startReceiver } from "./webhook-receiver.ts";

let platform: TestPlatform;
let receiver: Receiver;

beforeAll(async () => {
  platform = await startWebhookPlatform();
  receiver = await startReceiver();
});
afterAll(async () => {
  await platform.close();
  await receiver.close();
});

/**
 * Verifies a delivery the way a receiver following only the published recipe would: any
 * of the comma-separated signatures (more than one only during a rotation) may match.
 */
function verifyTeekrrSignature(secret: string, delivery: ReceivedWebhook): boolean {
  const key = createHash("sha256").update(secret).digest("hex");
  const expected = createHmac("sha256", key).update(delivery.body).digest("hex");
  return String(delivery.headers["x-teekrr-signature"]).split(",").includes(expected);
}

/** Verifies a delivery with nothing but the Standard Webhooks library. */
function verifyStandard(standardSecret: string, delivery: ReceivedWebhook): unknown {
  return new Webhook(standardSecret).verify(
    delivery.body,
    delivery.headers as Record<string, string>,
  );
}

const { createEndpoint, sendSms } = webhookCalls(() => platform);

describe("webhook deliveries for an SMS broadcast", () => {
  it("posts billed, delivered and failed events that both signature schemes verify", async () => {
    const client = await createTestClient(platform.db, { credit: 10_000 });
    const endpoint = await createEndpoint(client, { url: receiver.url });
    expect(endpoint.secret).toMatch(/^tkwh_[0-9A-Za-z]{40,}$/);
    expect(endpoint.events).toEqual(["delivered", "failed", "billed", "bounced"]);

    const broadcastId = await sendSms(client, ["0123456789", "0139999991", "0139999990"]);
    const mine = () => receiver.received.filter((entry) => entry.body.includes(broadcastId));
    // Accepted ones: billed + delivered (or billed + failed by report); refused: failed.
    await waitFor(async () => mine().length >= 5, 20_000, "five webhook deliveries");

    const events = mine().map((entry) => JSON.parse(entry.body));
    expect(events.map((event) => event.event).sort()).toEqual([
      "billed",
      "billed",
      "delivered",
      "failed",
      "failed",
    ]);
    for (const delivery of mine()) {
      expect(verifyTeekrrSignature(endpoint.secret, delivery)).toBe(true);
      expect(verifyStandard(endpoint.standardWebhooksSecret, delivery)).toBeTruthy();
      const body = JSON.parse(delivery.body);
      expect(delivery.headers["x-teekrr-event"]).toBe(body.event);
      expect(delivery.headers["content-type"]).toBe("application/json");
      expect(
        webhookEventBodies[body.event as keyof typeof webhookEventBodies].parse(body),
      ).toBeTruthy();
      expect(body.livemode).toBeUndefined();
      expect(body.data).toMatchObject({ channel: "sms", broadcastUuid: broadcastId });
    }
    const billed = events.filter((event) => event.event === "billed");
    expect(billed.every((event) => event.data.amount === 5 && event.data.currency === "MYR")).toBe(
      true,
    );
    const refused = events.find(
      (event) => event.event === "failed" && event.data.recipient === "+60139999990",
    );
    expect(refused.data.errorCode).toBeTruthy();
    expect(refused.data.errorMessage).toBeTruthy();
    const reported = events.find(
      (event) => event.event === "failed" && event.data.recipient === "+60139999991",
    );
    expect(reported.data.errorCode).toBe("UNDELIV");
    expect(await verifyLedger(platform.db)).toEqual([]);
  });

  it("refuses a tampered body, a wrong secret and a stale timestamp", async () => {
    const client = await createTestClient(platform.db);
    const endpoint = await createEndpoint(client, { url: receiver.url });
    const test = await api(platform.url, "POST", `/webhook-endpoints/${endpoint.id}/test`, {
      key: client.key,
      body: {},
    });
    expect(test.status).toBe(202);
    const delivery = await waitFor(
      async () =>
        receiver.received.find((entry) => entry.headers["webhook-id"] === test.body.data.id),
      10_000,
      "test delivery",
    );
    const tampered = { ...delivery, body: delivery.body.replace("delivered", "failed") };
    expect(verifyTeekrrSignature(endpoint.secret, tampered)).toBe(false);
    expect(() => verifyStandard(endpoint.standardWebhooksSecret, tampered)).toThrow();
    expect(verifyTeekrrSignature("tkwh_wrong", delivery)).toBe(false);
    const stale = {
      ...delivery,
      headers: {
        ...delivery.headers,
        "webhook-timestamp": String(Math.floor(Date.now() / 1000) - 3600),
      },
    };
    expect(() => verifyStandard(endpoint.standardWebhooksSecret, stale)).toThrow();
  });

  it("sends sandbox events with livemode false and never touches the balance", async () => {
    const client = await createTestClient(platform.db, { credit: 1000, test: true });
    await createEndpoint(client, { url: receiver.url });
    const before = await api(platform.url, "GET", "/balance", { key: client.key });

    const broadcastId = await sendSms(client, ["0123456780"]);
    await waitFor(
      async () => receiver.received.filter((entry) => entry.body.includes(broadcastId)).length >= 2,
      20_000,
      "sandbox deliveries",
    );

    const events = receiver.received
      .filter((entry) => entry.body.includes(broadcastId))
      .map((entry) => JSON.parse(entry.body));
    expect(events.every((event) => event.livemode === false)).toBe(true);
    expect(events.find((event) => event.event === "billed").data.amount).toBe(0);
    const after = await api(platform.url, "GET", "/balance", { key: client.key });
    expect(after.body.data).toEqual(before.body.data);
    expect(before.body.data).toMatchObject({ available: 1000, reserved: 0 });
    expect(await verifyLedger(platform.db)).toEqual([]);
  });

  it("delivers the opt-in read event only to endpoints that asked for it", async () => {
    const client = await createTestClient(platform.db);
    const endpoint = await createEndpoint(client, { url: receiver.url, events: ["read"] });
    expect(endpoint.events).toEqual(["read"]);

    const broadcastId = await sendSms(client, ["0123456781"]);
    const done = await waitFor(async () => {
      const response = await api(platform.url, "GET", `/broadcasts/${broadcastId}`, {
        key: client.key,
      });
      return response.body.data.counts.delivered === 1;
    });
    expect(done).toBe(true);
    expect(receiver.received.filter((entry) => entry.body.includes(broadcastId))).toEqual([]);

    const test = await api(platform.url, "POST", `/webhook-endpoints/${endpoint.id}/test`, {
      key: client.key,
      body: { event: "read" },
    });
    expect(test.status).toBe(202);
    const delivery = await waitFor(
      async () =>
        receiver.received.find((entry) => entry.headers["webhook-id"] === test.body.data.id),
      10_000,
      "test read event",
    );
    const event = webhookEventBodies.read.parse(JSON.parse(delivery.body));
    // Only WhatsApp reports reads, so even a sample read comes from WhatsApp.
    expect(event.data.channel).toBe("whatsapp");
    expect(event.livemode).toBe(false);
  });
});

describe("secret rotation", () => {
  it("signs with both secrets during the window, so receivers holding either verify", async () => {
    const client = await createTestClient(platform.db);
    const endpoint = await createEndpoint(client, { url: receiver.url });
    const rotated = await api(
      platform.url,
      "POST",
      `/webhook-endpoints/${endpoint.id}/rotate-secret`,
      {
        key: client.key,
        body: { graceHours: 1 },
      },
    );
    expect(rotated.status).toBe(200);
    expect(rotated.body.data.secret).not.toBe(endpoint.secret);
    expect(rotated.body.data.previousSecretExpiresAt).toBeTruthy();

    const test = await api(platform.url, "POST", `/webhook-endpoints/${endpoint.id}/test`, {
      key: client.key,
      body: { event: "failed" },
    });
    const delivery = await waitFor(
      async () =>
        receiver.received.find((entry) => entry.headers["webhook-id"] === test.body.data.id),
      10_000,
      "delivery after rotation",
    );
    expect(String(delivery.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    expect(verifyStandard(endpoint.standardWebhooksSecret, delivery)).toBeTruthy();
    expect(verifyStandard(rotated.body.data.standardWebhooksSecret, delivery)).toBeTruthy();
    expect(verifyTeekrrSignature(endpoint.secret, delivery)).toBe(true);
    expect(verifyTeekrrSignature(rotated.body.data.secret, delivery)).toBe(true);

    const now = await api(platform.url, "POST", `/webhook-endpoints/${endpoint.id}/rotate-secret`, {
      key: client.key,
      body: { graceHours: 0 },
    });
    const second = await api(platform.url, "POST", `/webhook-endpoints/${endpoint.id}/test`, {
      key: client.key,
      body: {},
    });
    const after = await waitFor(
      async () =>
        receiver.received.find((entry) => entry.headers["webhook-id"] === second.body.data.id),
      10_000,
      "delivery after immediate rotation",
    );
    expect(verifyStandard(now.body.data.standardWebhooksSecret, after)).toBeTruthy();
    expect(() => verifyStandard(rotated.body.data.standardWebhooksSecret, after)).toThrow();
    expect(verifyTeekrrSignature(now.body.data.secret, after)).toBe(true);
    expect(verifyTeekrrSignature(rotated.body.data.secret, after)).toBe(false);
    expect(after.headers["x-teekrr-signature"]).toMatch(/^[0-9a-f]{64}$/);
  });
});

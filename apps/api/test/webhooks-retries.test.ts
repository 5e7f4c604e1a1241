import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, createTestClient, startTestPlatform, type TestPlatform, waitFor } from "./harness.ts";
import { startWebhookPlatform, webhookCalls } from "./webhook-helpers.ts";
import { startReceiver } from "./webhook-receiver.ts";

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startWebhookPlatform();
});
afterAll(async () => {
  await platform.close();
});

const { createEndpoint, sendSms } = webhookCalls(() => platform);

describe("retries", () => {
  it("retries on schedule until the receiver is back, then delivers every event once", async () => {
    const client = await createTestClient(platform.db);
    const downReceiver = await startReceiver();
    let down = true;
    downReceiver.respond(() => (down ? 503 : 204));
    const endpoint = await createEndpoint(client, { url: downReceiver.url });

    const broadcastId = await sendSms(client, ["0123456782", "0123456783", "0123456784"]);
    await waitFor(async () => downReceiver.received.length >= 9, 20_000, "failing attempts");
    down = false;

    const delivered = await waitFor(
      async () => {
        const ok = downReceiver.received.filter((entry) => entry.at > 0);
        const ids = new Set(ok.map((entry) => entry.headers["webhook-id"]));
        return ids.size >= 6 ? ids : null;
      },
      20_000,
      "all six events",
    );
    const list = await waitFor(async () => {
      const response = await api(
        platform.url,
        "GET",
        `/webhook-endpoints/${endpoint.id}/deliveries?limit=100`,
        { key: client.key },
      );
      const items = response.body.data.items as { status: string }[];
      return items.length === 6 && items.every((item) => item.status === "succeeded")
        ? items
        : null;
    });
    expect(delivered.size).toBe(6);
    expect(list.every((item: any) => item.attemptLog.at(-1).statusCode === 204)).toBe(true);
    const failedAttempt = list
      .flatMap((item: any) => item.attemptLog)
      .find((a: any) => a.statusCode === 503);
    expect(failedAttempt.responseExcerpt.length).toBeLessThanOrEqual(1024);
    expect(failedAttempt.error).toBe("HTTP 503");
    expect(downReceiver.received.every((entry) => entry.body.includes(broadcastId))).toBe(true);
    await downReceiver.close();
  });

  it("stops after the last scheduled attempt and can be re-sent by hand", async () => {
    const platformShort = await startTestPlatform({
      WEBHOOK_ALLOW_HTTP: "true",
      WEBHOOK_ALLOW_LOOPBACK: "true",
      WEBHOOK_RETRY_SCHEDULE_SECONDS: "0.2,0.2",
    });
    const failing = await startReceiver();
    failing.respond(() => 302);
    try {
      const client = await createTestClient(platformShort.db);
      const created = await api(platformShort.url, "POST", "/webhook-endpoints", {
        key: client.key,
        body: { url: failing.url },
      });
      const endpointId = created.body.data.id;
      const test = await api(platformShort.url, "POST", `/webhook-endpoints/${endpointId}/test`, {
        key: client.key,
        body: { event: "billed" },
      });
      const deliveryId = test.body.data.id;
      const deliveryOnceIs = (status: string) =>
        waitFor(async () => {
          const response = await api(
            platformShort.url,
            "GET",
            `/webhook-endpoints/${endpointId}/deliveries`,
            { key: client.key },
          );
          const item = response.body.data.items[0];
          return item.status === status ? item : null;
        });
      const final = await deliveryOnceIs("failed");
      expect(final.attempts).toBe(3);
      expect(final.attemptLog.map((attempt: any) => attempt.statusCode)).toEqual([302, 302, 302]);
      await new Promise((resolve) => setTimeout(resolve, 800));
      expect(failing.received.length).toBe(3);
      // Redirects are never followed: the receiver's Location points elsewhere.
      expect(failing.received.every((entry) => entry.headers["webhook-id"] === deliveryId)).toBe(
        true,
      );

      failing.respond(() => 200);
      const retried = await api(
        platformShort.url,
        "POST",
        `/webhook-deliveries/${deliveryId}/retry`,
        {
          key: client.key,
        },
      );
      expect(retried.status).toBe(202);
      await waitFor(async () => failing.received.length === 4, 10_000, "manual re-send");
      expect(failing.received[3]?.headers["webhook-id"]).toBe(deliveryId);
      expect(failing.received[3]?.body).toBe(failing.received[0]?.body);
      const resent = await deliveryOnceIs("succeeded");
      expect(
        resent.attemptLog.map((attempt: any) => [attempt.attempt, attempt.statusCode]),
      ).toEqual([
        [1, 302],
        [2, 302],
        [3, 302],
        [4, 200],
      ]);
    } finally {
      await failing.close();
      await platformShort.close();
    }
  });
});

import { expect } from "vitest";
import { api, startTestPlatform, type TestClient, type TestPlatform } from "./harness.ts";

/** A platform that delivers to loopback receivers over http and retries every half second. */
export function startWebhookPlatform(): Promise<TestPlatform> {
  return startTestPlatform({
    WEBHOOK_ALLOW_HTTP: "true",
    WEBHOOK_ALLOW_LOOPBACK: "true",
    WEBHOOK_RETRY_SCHEDULE_SECONDS: "0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5,0.5",
  });
}

/**
 * The calls the delivery tests make, against a file's platform. `current` is read on every
 * call, because a file starts its platform in its `beforeAll`.
 */
export function webhookCalls(current: () => TestPlatform) {
  async function createEndpoint(client: TestClient, body: Record<string, unknown>) {
    const response = await api(current().url, "POST", "/webhook-endpoints", {
      key: client.key,
      body,
    });
    expect(response.status).toBe(201);
    return response.body.data as {
      id: string;
      secret: string;
      standardWebhooksSecret: string;
      events: string[];
    };
  }

  async function sendSms(client: TestClient, recipients: string[]) {
    const response = await api(current().url, "POST", "/sms", {
      key: client.key,
      body: { campaignName: "Hooks", type: "quick broadcast", templateContent: "Hi", recipients },
    });
    expect(response.status).toBe(202);
    return response.body.data.broadcastUuid as string;
  }

  return { createEndpoint, sendSms };
}

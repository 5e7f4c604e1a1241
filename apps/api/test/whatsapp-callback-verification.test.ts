import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type TestPlatform } from "./harness.ts";
import { historyOf, type MessageRow, messagesOf } from "./message-helpers.ts";
import {
  metaCallbackCalls,
  metaStatus,
  metaWebhook,
  platformVerifyToken,
  quietRecipients,
  quietWhatsApp,
  signMeta,
  startMetaCallbackPlatform,
  type WhatsAppClient,
} from "./whatsapp-helpers.ts";

let platform: TestPlatform;
let client: WhatsAppClient;
let other: WhatsAppClient;
/** Messages Meta accepted but reports nothing about, so each test reports by hand. */
let quiet: MessageRow[];

beforeAll(async () => {
  ({ platform, client, other } = await startMetaCallbackPlatform());
  quiet = await quietWhatsApp(platform, client, quietRecipients);
});
afterAll(async () => {
  await platform.close();
});

const { post, postSigned, storedCallbacks, drained, broadcastOf } = metaCallbackCalls(() => ({
  platform,
  client,
}));

function message(index: number): MessageRow {
  return quiet[index] as MessageRow;
}

describe("GET /callbacks/meta (subscription check)", () => {
  it("echoes the challenge as plain text for a known verify token", async () => {
    for (const token of [platformVerifyToken, client.verifyToken]) {
      const response = await fetch(
        `${platform.url}/callbacks/meta?hub.mode=subscribe&hub.verify_token=${token}` +
          "&hub.challenge=1158201444",
      );

      expect(response.status).toBe(200);
      expect(response.headers.get("content-type")).toMatch(/^text\/plain/);
      expect(await response.text()).toBe("1158201444");
    }
  });

  it("answers 403 to a wrong token, a wrong mode or a missing challenge", async () => {
    const queries = [
      "hub.mode=subscribe&hub.verify_token=wrong-token-123&hub.challenge=1",
      `hub.mode=unsubscribe&hub.verify_token=${platformVerifyToken}&hub.challenge=1`,
      `hub.mode=subscribe&hub.verify_token=${platformVerifyToken}`,
      "",
    ];
    for (const query of queries) {
      const response = await api(platform.url, "GET", `/callbacks/meta?${query}`);

      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: "Webhook verification failed" });
    }
  });
});

describe("POST /callbacks/meta signatures", () => {
  const body = () =>
    metaWebhook([
      [
        {
          phoneNumberId: client.phoneNumberId,
          statuses: [
            metaStatus(message(0).provider_message_id as string, "delivered", message(0).recipient),
          ],
        },
      ],
    ]);

  it("refuses an unsigned, wrongly signed or tampered callback and stores nothing", async () => {
    const before = await storedCallbacks();
    const original = body();
    const tampered = original.replace('"delivered"', '"read"');

    const unsigned = await post(original, {});
    const malformed = await post(original, { "x-hub-signature-256": "sha1=abc" });
    const wrong = await post(original, {
      "x-hub-signature-256": signMeta("not-the-secret", original),
    });
    const otherClient = await post(original, {
      "x-hub-signature-256": signMeta(other.appSecret, original),
    });
    const changed = await post(tampered, {
      "x-hub-signature-256": signMeta(client.appSecret, original),
    });

    expect(unsigned.status).toBe(401);
    expect(malformed.status).toBe(401);
    for (const response of [wrong, otherClient, changed]) {
      expect(response.status).toBe(403);
      expect(response.body).toEqual({ message: "Invalid webhook signature" });
    }
    expect(await storedCallbacks()).toBe(before);
    expect((await messagesOf(platform.db, await broadcastOf(message(0).id)))[0]?.status).toBe(
      "sent",
    );
  });

  it("accepts a callback signed with the client's app secret or the simulator's", async () => {
    const signedByClient = await postSigned(body());
    const signedBySimulator = await postSigned(body(), platform.config.SIMULATOR_SECRET);

    expect(signedByClient.status).toBe(200);
    expect(signedBySimulator.status).toBe(200);
    await drained();
    expect(await historyOf(platform.db, message(0).id)).toEqual(["enqueued", "sent", "delivered"]);
  });
});

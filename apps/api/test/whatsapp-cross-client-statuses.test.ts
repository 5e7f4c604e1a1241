import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../src/domain/audit.ts";
import { createSecretBox } from "../src/domain/encryption.ts";
import { configureWhatsApp } from "../src/domain/whatsapp/config.ts";
import { appSecretsFor } from "../src/domain/whatsapp/sender.ts";
import { configFor } from "../src/env.ts";
import { createTestClient, type TestPlatform, testSettings } from "./harness.ts";
import { historyOf, type MessageRow, messagesOf } from "./message-helpers.ts";
import {
  metaCallbackCalls,
  metaStatus,
  metaWebhook,
  quietWhatsApp,
  startMetaCallbackPlatform,
  type WhatsAppClient,
} from "./whatsapp-helpers.ts";

let platform: TestPlatform;
let client: WhatsAppClient;
let other: WhatsAppClient;

beforeAll(async () => {
  ({ platform, client, other } = await startMetaCallbackPlatform());
});
afterAll(async () => {
  await platform.close();
});

const { postSigned, storedCallbacks, drained, broadcastOf } = metaCallbackCalls(() => ({
  platform,
  client,
}));

describe("statuses about another client's messages", () => {
  /** A message of `client` that Meta accepted and reports nothing about. */
  async function quietMessage(recipient: string): Promise<MessageRow> {
    const [row] = await quietWhatsApp(platform, client, [recipient]);
    return row as MessageRow;
  }

  function failedStatus(target: MessageRow) {
    return metaStatus(target.provider_message_id as string, "failed", target.recipient, {
      errors: [{ code: 131026, title: "Message undeliverable", message: "Message undeliverable" }],
    });
  }

  it("ignores a status about this client's message signed for another's number", async () => {
    const target = await quietMessage("60193458887");
    const forged = metaWebhook([
      [{ phoneNumberId: other.phoneNumberId, statuses: [failedStatus(target)] }],
    ]);

    const response = await postSigned(forged, other.appSecret);

    expect(response.status).toBe(200);
    await drained();
    const [row] = await messagesOf(platform.db, await broadcastOf(target.id));
    expect(row).toMatchObject({ status: "sent", error_code: null, billing_state: "settled" });
    expect(await historyOf(platform.db, target.id)).toEqual(["enqueued", "sent"]);
  });

  it("refuses a payload naming this client's number beside the signer's own", async () => {
    const target = await quietMessage("60133458887");
    const before = await storedCallbacks();
    const forged = metaWebhook([
      [
        { phoneNumberId: other.phoneNumberId, statuses: [] },
        { phoneNumberId: client.phoneNumberId, statuses: [failedStatus(target)] },
      ],
    ]);

    const response = await postSigned(forged, other.appSecret);

    expect(response.status).toBe(403);
    expect(response.body).toEqual({ message: "Invalid webhook signature" });
    expect(await storedCallbacks()).toBe(before);
    expect(await historyOf(platform.db, target.id)).toEqual(["enqueued", "sent"]);
  });

  it("lets the platform's secret sign for its shared number and numbers without one", async () => {
    const config = configFor({
      ...testSettings,
      WHATSAPP_DEFAULT_PHONE_NUMBER_ID: "601111111111",
      WHATSAPP_DEFAULT_ACCESS_TOKEN: "platform-token",
      WHATSAPP_DEFAULT_APP_SECRET: "platform-app-secret",
    });
    const box = createSecretBox(config.ENCRYPTION_KEY);
    const bare = await createTestClient(platform.db, { channels: ["whatsapp"] });
    await configureWhatsApp(platform.db, box, cliActor, {
      clientId: bare.clientId,
      phoneNumberId: "602222222222",
      accessToken: "EAAG-token-without-app-secret",
    });

    const secrets = await appSecretsFor(platform.db, config, box, [
      client.phoneNumberId,
      "602222222222",
    ]);

    const speaksFor = (secret: string) =>
      secrets.find((entry) => entry.secret === secret)?.phoneNumberIds;
    expect(speaksFor(config.SIMULATOR_SECRET)).toBeNull();
    expect([...(speaksFor("platform-app-secret") ?? [])].sort()).toEqual([
      "601111111111",
      "602222222222",
    ]);
    expect([...(speaksFor(client.appSecret) ?? [])]).toEqual([client.phoneNumberId]);
    expect(secrets).toHaveLength(3);
  });
});

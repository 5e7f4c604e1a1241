import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../src/domain/audit.ts";
import { createSecretBox } from "../src/domain/encryption.ts";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import { configureWhatsApp } from "../src/domain/whatsapp/config.ts";
import { appSecretsFor } from "../src/domain/whatsapp/sender.ts";
import { configFor } from "../src/env.ts";
import {
  api,
  createTestClient,
  startTestPlatform,
  type TestPlatform,
  testSettings,
  waitFor,
} from "./harness.ts";
import { historyOf, type MessageRow, messagesOf, waitForStatuses } from "./message-helpers.ts";
import { type Receiver, startReceiver } from "./webhook-receiver.ts";
import {
  createWhatsAppClient,
  metaStatus,
  metaWebhook,
  signMeta,
  type WhatsAppClient,
  whatsappBody,
} from "./whatsapp-helpers.ts";

const platformVerifyToken = "platform-verify-token";
let platform: TestPlatform;
let client: WhatsAppClient;
let other: WhatsAppClient;
let receiver: Receiver;
/** Messages Meta accepted but reports nothing about, so each test reports by hand. */
let quiet: MessageRow[];

beforeAll(async () => {
  platform = await startTestPlatform({
    WHATSAPP_VERIFY_TOKEN: platformVerifyToken,
    WEBHOOK_ALLOW_HTTP: "true",
    WEBHOOK_ALLOW_LOOPBACK: "true",
  });
  receiver = await startReceiver();
  client = await createWhatsAppClient(platform.db, platform.config);
  other = await createWhatsAppClient(platform.db, platform.config);
  const response = await api(platform.url, "POST", "/whatsapp", {
    key: client.key,
    body: whatsappBody({
      recipients: ["60123458887", "60133458887", "60143458887", "60163458887", "60173458887"],
    }),
  });
  quiet = await waitForStatuses(platform.db, response.body.data.broadcastUuid, {
    "+60123458887": "sent",
    "+60133458887": "sent",
    "+60143458887": "sent",
    "+60163458887": "sent",
    "+60173458887": "sent",
  });
});
afterAll(async () => {
  await platform.close();
  await receiver.close();
});

function post(body: string, headers: Record<string, string>) {
  return api(platform.url, "POST", "/callbacks/meta", {
    raw: body,
    headers: { "content-type": "application/json", ...headers },
  });
}

function postSigned(body: string, secret = client.appSecret) {
  return post(body, { "x-hub-signature-256": signMeta(secret, body) });
}

async function storedCallbacks(): Promise<number> {
  const rows = (await platform.db.execute(
    sql`SELECT count(*) AS count FROM inbound_callbacks WHERE provider = 'meta'`,
  )) as unknown as { count: string }[];
  return Number(rows[0]?.count);
}

async function drained(): Promise<void> {
  await waitFor(
    async () => {
      const rows = (await platform.db.execute(sql`SELECT count(*) AS count
        FROM inbound_callbacks WHERE processed_at IS NULL`)) as unknown as { count: string }[];
      return Number(rows[0]?.count) === 0;
    },
    20_000,
    "inbox to drain",
  );
}

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

describe("status reports from Meta", () => {
  it("applies batched entries and changes, each status to its own message", async () => {
    const payload = metaWebhook([
      [
        {
          phoneNumberId: client.phoneNumberId,
          statuses: [
            metaStatus(message(1).provider_message_id as string, "delivered", message(1).recipient),
          ],
        },
        {
          phoneNumberId: client.phoneNumberId,
          statuses: [
            metaStatus(message(2).provider_message_id as string, "delivered", message(2).recipient),
            metaStatus(message(2).provider_message_id as string, "read", message(2).recipient),
          ],
        },
      ],
      [
        {
          phoneNumberId: client.phoneNumberId,
          statuses: [
            metaStatus(message(3).provider_message_id as string, "failed", message(3).recipient, {
              errors: [
                {
                  code: 131026,
                  title: "Message undeliverable",
                  message: "Message undeliverable",
                  error_data: { details: "Message Undeliverable." },
                },
              ],
            }),
          ],
        },
      ],
    ]);

    const response = await postSigned(payload);

    expect(response.status).toBe(200);
    await drained();
    const rows = new Map(
      (await messagesOf(platform.db, await broadcastOf(message(1).id))).map((r) => [r.id, r]),
    );
    expect(rows.get(message(1).id)?.status).toBe("delivered");
    expect(rows.get(message(2).id)?.status).toBe("read");
    expect(rows.get(message(3).id)).toMatchObject({
      status: "failed",
      error_code: "131026",
      error_message: "Message undeliverable",
      // Meta accepted it before it failed, so the share was already settled.
      billing_state: "settled",
    });
    expect(await verifyLedger(platform.db)).toEqual([]);
  });

  it("records delivered with read, announces both, keeps read when delivered is late", async () => {
    const target = message(4);
    const wamid = target.provider_message_id as string;
    const endpoint = await api(platform.url, "POST", "/webhook-endpoints", {
      key: client.key,
      body: { url: receiver.url, events: ["delivered", "read"] },
    });
    expect(endpoint.status).toBe(201);

    await postSigned(
      metaWebhook([
        [
          {
            phoneNumberId: client.phoneNumberId,
            statuses: [metaStatus(wamid, "read", target.recipient)],
          },
        ],
      ]),
    );
    await drained();
    await postSigned(
      metaWebhook([
        [
          {
            phoneNumberId: client.phoneNumberId,
            statuses: [metaStatus(wamid, "delivered", target.recipient)],
          },
        ],
      ]),
    );
    await drained();

    const [row] = (await messagesOf(platform.db, await broadcastOf(target.id))).filter(
      (r) => r.id === target.id,
    );
    expect(row?.status).toBe("read");
    expect(await historyOf(platform.db, target.id)).toEqual([
      "enqueued",
      "sent",
      "delivered",
      "read",
    ]);
    const times = (await platform.db.execute(sql`SELECT DISTINCT occurred_at FROM message_events
      WHERE message_id = ${target.id} AND status IN ('delivered', 'read')`)) as unknown[];
    expect(times).toHaveLength(1);
    const queued = (await platform.db.execute(sql`SELECT event FROM webhook_deliveries
      WHERE message_id = ${target.id} ORDER BY event`)) as unknown as { event: string }[];
    expect(queued.map((delivery) => delivery.event)).toEqual(["delivered", "read"]);
    await waitFor(async () => receiver.forMessage(target.id).length === 2);
  });

  it("changes state once for a callback sent three times, never for a replay", async () => {
    const target = message(1);
    const wamid = target.provider_message_id as string;
    const read = metaWebhook([
      [
        {
          phoneNumberId: client.phoneNumberId,
          statuses: [metaStatus(wamid, "read", target.recipient)],
        },
      ],
    ]);
    const oldDelivered = metaWebhook([
      [
        {
          phoneNumberId: client.phoneNumberId,
          statuses: [metaStatus(wamid, "delivered", target.recipient)],
        },
      ],
    ]);

    for (let copy = 0; copy < 3; copy++) expect((await postSigned(read)).status).toBe(200);
    await drained();
    expect((await postSigned(oldDelivered)).status).toBe(200);
    await drained();

    expect(await historyOf(platform.db, target.id)).toEqual([
      "enqueued",
      "sent",
      "delivered",
      "read",
    ]);
    const events = (await platform.db.execute(sql`SELECT count(*) AS count FROM message_events
      WHERE message_id = ${target.id} AND status = 'read'`)) as unknown as { count: string }[];
    expect(Number(events[0]?.count)).toBe(1);
  });

  it("stores but ignores a webhook about something other than statuses", async () => {
    const body = JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "1",
          changes: [{ field: "message_template_status_update", value: { event: "APPROVED" } }],
        },
      ],
    });

    const response = await postSigned(body, platform.config.SIMULATOR_SECRET);

    expect(response.status).toBe(200);
    await drained();
  });

  it("refuses a signed body that is not JSON without storing it", async () => {
    const before = await storedCallbacks();

    const response = await postSigned("not json", platform.config.SIMULATOR_SECRET);

    expect(response.status).toBe(400);
    expect(await storedCallbacks()).toBe(before);
  });
});

describe("statuses about another client's messages", () => {
  /** A message of `client` that Meta accepted and reports nothing about. */
  async function quietMessage(recipient: string): Promise<MessageRow> {
    const response = await api(platform.url, "POST", "/whatsapp", {
      key: client.key,
      body: whatsappBody({ recipients: [recipient] }),
    });
    const [row] = await waitForStatuses(platform.db, response.body.data.broadcastUuid, {
      [`+${recipient}`]: "sent",
    });
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

async function broadcastOf(messageId: string): Promise<string> {
  const rows = (await platform.db.execute(
    sql`SELECT broadcast_id FROM messages WHERE id = ${messageId}`,
  )) as unknown as { broadcast_id: string }[];
  return rows[0]?.broadcast_id as string;
}

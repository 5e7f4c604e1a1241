import { createHmac, randomInt } from "node:crypto";
import type { Database } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { expect } from "vitest";
import { type ApiScope, apiScopes } from "../src/domain/api-keys.ts";
import { cliActor } from "../src/domain/audit.ts";
import { createSecretBox } from "../src/domain/encryption.ts";
import { configureWhatsApp } from "../src/domain/whatsapp/config.ts";
import { createWhatsAppTemplate } from "../src/domain/whatsapp/templates.ts";
import type { Config } from "../src/env.ts";
import {
  api,
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
} from "./harness.ts";
import {
  broadcastIdOf,
  type MessageRow,
  waitForInboxDrained,
  waitForStatuses,
} from "./message-helpers.ts";

export interface WhatsAppClient extends TestClient {
  phoneNumberId: string;
  appSecret: string;
  verifyToken: string;
}

/** Template components shaped as Meta's template API defines them. */
export const templateComponents = {
  positional: [
    { type: "HEADER", format: "TEXT", text: "Order {{1}}" },
    { type: "BODY", text: "Hi {{1}}, your order {{2}} ships today." },
    { type: "FOOTER", text: "Reply STOP to opt out" },
    {
      type: "BUTTONS",
      buttons: [
        { type: "QUICK_REPLY", text: "Thanks" },
        { type: "URL", text: "Track", url: "https://shop.example/track/{{1}}" },
      ],
    },
  ],
  named: [{ type: "BODY", text: "Hello {{first_name}}, {{offer}} awaits you." }],
  image: [
    { type: "HEADER", format: "IMAGE" },
    { type: "BODY", text: "New arrivals are in store." },
  ],
  plain: [{ type: "BODY", text: "Your appointment is confirmed." }],
};

/**
 * A client with its own WhatsApp number and four approved templates (`order_update`,
 * `promo_named`, `image_promo`, `appointment`) plus one pending (`pending_promo`).
 */
export async function createWhatsAppClient(
  db: Database,
  config: Config,
  options: {
    credit?: number;
    scopes?: ApiScope[];
    test?: boolean;
    channels?: ("sms" | "whatsapp" | "email")[];
  } = {},
): Promise<WhatsAppClient> {
  const client = await createTestClient(db, {
    credit: options.credit ?? 100_000,
    scopes: options.scopes ?? [...apiScopes],
    test: options.test ?? false,
    channels: options.channels ?? ["sms", "whatsapp", "email"],
  });
  const phoneNumberId = `10${randomInt(10 ** 12, 10 ** 13)}`;
  const appSecret = `app-secret-${randomInt(10 ** 9)}`;
  const verifyToken = `verify-${randomInt(10 ** 9)}`;
  await configureWhatsApp(db, createSecretBox(config.ENCRYPTION_KEY), cliActor, {
    clientId: client.clientId,
    phoneNumberId,
    accessToken: `EAAG-token-${randomInt(10 ** 9)}`,
    appSecret,
    verifyToken,
  });
  const templates: [string, unknown[], "approved" | "pending"][] = [
    ["order_update", templateComponents.positional, "approved"],
    ["promo_named", templateComponents.named, "approved"],
    ["image_promo", templateComponents.image, "approved"],
    ["appointment", templateComponents.plain, "approved"],
    ["pending_promo", templateComponents.plain, "pending"],
  ];
  for (const [name, components, status] of templates) {
    await createWhatsAppTemplate(db, cliActor, {
      clientId: client.clientId,
      name,
      language: "en_US",
      category: "MARKETING",
      components,
      status,
    });
  }
  return { ...client, phoneNumberId, appSecret, verifyToken };
}

export function whatsappBody(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    campaignName: "WhatsApp campaign",
    type: "quick broadcast",
    templateName: "appointment",
    recipients: ["60123450001"],
    ...overrides,
  };
}

export function signMeta(secret: string, body: string): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** A status webhook as Meta posts it, with any number of entries and changes. */
export function metaWebhook(
  entries: { phoneNumberId: string; statuses: Record<string, unknown>[] }[][],
): string {
  return JSON.stringify({
    object: "whatsapp_business_account",
    entry: entries.map((changes, index) => ({
      id: `10229012934039${index}`,
      changes: changes.map((change) => ({
        value: {
          messaging_product: "whatsapp",
          metadata: { display_phone_number: "60388881234", phone_number_id: change.phoneNumberId },
          statuses: change.statuses,
        },
        field: "messages",
      })),
    })),
  });
}

export function metaStatus(
  wamid: string,
  status: string,
  recipient: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    id: wamid,
    status,
    timestamp: String(Math.floor(Date.now() / 1000)),
    recipient_id: recipient.replace(/^\+/, ""),
    ...extra,
  };
}

export const platformVerifyToken = "platform-verify-token";

/** A platform that takes Meta's callbacks, with two clients on numbers of their own. */
export async function startMetaCallbackPlatform(): Promise<{
  platform: TestPlatform;
  client: WhatsAppClient;
  other: WhatsAppClient;
}> {
  const platform = await startTestPlatform({
    WHATSAPP_VERIFY_TOKEN: platformVerifyToken,
    WEBHOOK_ALLOW_HTTP: "true",
    WEBHOOK_ALLOW_LOOPBACK: "true",
  });
  const client = await createWhatsAppClient(platform.db, platform.config);
  const other = await createWhatsAppClient(platform.db, platform.config);
  return { platform, client, other };
}

/** Messages of `client` that Meta accepted and reports nothing about, in recipient order. */
export async function quietWhatsApp(
  platform: TestPlatform,
  client: WhatsAppClient,
  recipients: string[],
): Promise<MessageRow[]> {
  const response = await api(platform.url, "POST", "/whatsapp", {
    key: client.key,
    body: whatsappBody({ recipients }),
  });
  return await waitForStatuses(
    platform.db,
    response.body.data.broadcastUuid,
    Object.fromEntries(recipients.map((recipient) => [`+${recipient}`, "sent"])),
  );
}

/** The recipients of the messages the callback tests report on by hand. */
export const quietRecipients = [
  "60123458887",
  "60133458887",
  "60143458887",
  "60163458887",
  "60173458887",
];

/**
 * The calls the callback tests make, against a file's platform and client. `current` is
 * read on every call, because a file sets both in its `beforeAll`.
 */
export function metaCallbackCalls(
  current: () => { platform: TestPlatform; client: WhatsAppClient },
) {
  function post(body: string, headers: Record<string, string>) {
    return api(current().platform.url, "POST", "/callbacks/meta", {
      raw: body,
      headers: { "content-type": "application/json", ...headers },
    });
  }
  return {
    post,
    postSigned(body: string, secret = current().client.appSecret) {
      return post(body, { "x-hub-signature-256": signMeta(secret, body) });
    },
    async storedCallbacks(): Promise<number> {
      const rows = (await current().platform.db.execute(
        sql`SELECT count(*) AS count FROM inbound_callbacks WHERE provider = 'meta'`,
      )) as unknown as { count: string }[];
      return Number(rows[0]?.count);
    },
    drained: () => waitForInboxDrained(current().platform.db),
    broadcastOf: (messageId: string) => broadcastIdOf(current().platform.db, messageId),
  };
}

/** The template part of what the simulator received for one recipient. */
export interface SentCall {
  phoneNumberId: string;
  template?: { components?: { parameters: { text?: string }[] }[] };
  [field: string]: unknown;
}

/**
 * The calls the send tests make, against a file's platform. `current` is read on every
 * call, because a file starts its platform in its `beforeAll`.
 */
export function whatsappSendCalls(current: () => TestPlatform) {
  function send(sender: TestClient, body: Record<string, unknown>) {
    return api(current().url, "POST", "/whatsapp", { key: sender.key, body });
  }

  function sentTemplate(recipient: string): SentCall | undefined {
    const call = current().runtime.simulators?.graph.calls.findLast(
      (entry) => entry.payload.to === recipient,
    );
    return call && { phoneNumberId: call.phoneNumberId, ...call.payload };
  }

  async function sendAndWait(sender: TestClient, body: Record<string, unknown>) {
    const response = await send(sender, body);
    expect(response.status).toBe(202);
    const rows = body.recipientVariables as { phone: string }[] | undefined;
    const recipients = (body.recipients ?? rows?.map((row) => row.phone)) as string[];
    await waitForStatuses(
      current().db,
      response.body.data.broadcastUuid,
      Object.fromEntries(recipients.map((r) => [`+${r.replace(/^\+/, "")}`, "delivered"])),
    );
    return response;
  }

  return { send, sentTemplate, sendAndWait };
}

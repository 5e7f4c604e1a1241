import { createHmac, randomInt } from "node:crypto";
import type { Database } from "@teekrr/db";
import { type ApiScope, apiScopes } from "../src/domain/api-keys.ts";
import { cliActor } from "../src/domain/audit.ts";
import { createSecretBox } from "../src/domain/encryption.ts";
import { configureWhatsApp } from "../src/domain/whatsapp/config.ts";
import { createWhatsAppTemplate } from "../src/domain/whatsapp/templates.ts";
import type { Config } from "../src/env.ts";
import { createTestClient, type TestClient } from "./harness.ts";

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

import { randomUUID } from "node:crypto";
import { AppError, normalisePhone, type WhatsappTestBody } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import type { Platform } from "../../platform.ts";
import { loadClient } from "../api-keys.ts";
import type { Caller, TransactionStep } from "../broadcasts/caller.ts";
import { requireChannel } from "../broadcasts/checks.ts";
import { createSecretBox } from "../encryption.ts";
import { applySendOutcomes, failMessages } from "../messages/outcomes.ts";
import { buildComponents } from "./components.ts";
import type { WhatsAppBroadcastDetails } from "./create-broadcast.ts";
import { loadSenderCredentials, resolveSender } from "./sender.ts";
import { findSendableTemplate } from "./templates.ts";

export interface TestSendResult {
  messageUuid: string;
  providerMessageId: string;
}

/**
 * Sends one template message to Meta while the caller waits, free of charge. It is still
 * recorded as a one-message broadcast of type `test`, so Meta's later statuses apply to it
 * like to any other message.
 */
export async function sendWhatsAppTest(
  platform: Platform,
  caller: Caller,
  body: WhatsappTestBody,
  steps: TransactionStep[] = [],
): Promise<TestSendResult> {
  const { db } = platform.database;
  const client = await loadClient(db, caller.clientId);
  requireChannel(client, "whatsapp");
  const template = await findSendableTemplate(db, client.id, body.templateName);
  const sender = await resolveSender(db, platform.config, client.id);
  const phone = normalisePhone(body.to, false);
  if (!phone.ok) {
    throw new AppError("validation_failed", undefined, [{ field: "to", message: phone.message }]);
  }
  const built = buildComponents(template.shape, body.variables ?? {}, null);
  if ("errors" in built) throw new AppError("validation_failed", undefined, built.errors);
  const box = createSecretBox(platform.config.ENCRYPTION_KEY);
  const credentials = await loadSenderCredentials(db, platform.config, box, client.id, sender);
  if (!credentials) throw new AppError("whatsapp_not_configured");

  const broadcastId = randomUUID();
  const messageId = randomUUID();
  const details: WhatsAppBroadcastDetails = {
    templateName: template.name,
    language: template.details.language,
    sender,
    components: built.components,
  };
  await platform.database.transaction(async (scope) => {
    await scope.tx.execute(sql`
      INSERT INTO broadcasts (client_id, id, channel, campaign_name, type, status, template_id,
        content, details, livemode, api_key_id, recipient_count, chunk_size, reserved_sen)
      VALUES (${client.id}, ${broadcastId}, 'whatsapp', ${`Test: ${template.name}`}, 'test',
        'queued', ${template.id}, ${built.bodyText}, ${JSON.stringify(details)}::jsonb,
        ${caller.livemode}, ${caller.apiKeyId}, 1, 1, 0)`);
    await scope.tx.execute(sql`
      INSERT INTO messages (client_id, id, broadcast_id, seq, channel, recipient, price,
        billing_state)
      VALUES (${client.id}, ${messageId}, ${broadcastId}, 0, 'whatsapp', ${phone.e164}, 0,
        'free')`);
    for (const step of steps) await step(scope);
  });

  const providers = platform.providers.whatsapp;
  const result = await (caller.livemode ? providers.live : providers.sandbox).send({
    reference: messageId,
    to: phone.e164,
    sender: credentials,
    template: {
      name: template.name,
      language: template.details.language,
      components: built.components,
    },
  });

  const batch = { clientId: client.id, broadcastId, channel: "whatsapp" as const, retrying: [] };
  if (result.kind === "accepted") {
    await platform.database.transaction(async ({ tx }) => {
      await applySendOutcomes(tx, {
        ...batch,
        accepted: [{ messageId, providerMessageId: result.providerMessageId }],
        failed: [],
      });
    });
    return { messageUuid: messageId, providerMessageId: result.providerMessageId };
  }

  await platform.database.transaction(async ({ tx }) => {
    await failMessages(tx, client.id, broadcastId, "whatsapp", [
      { messageId, code: result.code, message: result.message },
    ]);
  });
  throw new AppError("test_send_failed", `Test send failed (${result.code}): ${result.message}`);
}

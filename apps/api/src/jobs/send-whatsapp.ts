import { permanentFailure } from "../channels/send-result.ts";
import { createSecretBox } from "../domain/encryption.ts";
import type { MetaComponent } from "../domain/whatsapp/components.ts";
import type { WhatsAppBroadcastDetails } from "../domain/whatsapp/create-broadcast.ts";
import { loadSenderCredentials, type SenderCredentials } from "../domain/whatsapp/sender.ts";
import type { Platform } from "../platform.ts";
import type { SendOne } from "./send-chunk.ts";
import { sendPacers } from "./send-pacers.ts";

/**
 * Sends one WhatsApp template message from the broadcast's number, paced per number. The
 * sender's token is read once per job, so a job uses one consistent credential.
 */
export function whatsappSender(platform: Platform): SendOne {
  const box = createSecretBox(platform.config.ENCRYPTION_KEY);
  const pacer = sendPacers(platform).whatsapp;
  const credentials = new Map<string, Promise<SenderCredentials | null>>();

  return async (message, broadcast) => {
    const details = broadcast.details as unknown as WhatsAppBroadcastDetails;
    let pending = credentials.get(broadcast.id);
    if (!pending) {
      pending = loadSenderCredentials(
        platform.database.db,
        platform.config,
        box,
        broadcast.clientId,
        details.sender,
      );
      credentials.set(broadcast.id, pending);
    }
    const sender = await pending;
    if (!sender) {
      return permanentFailure("whatsapp_not_configured", "The WhatsApp sender is no longer active");
    }
    const components = (message.variables?.components ??
      details.components ??
      []) as MetaComponent[];

    // Limitation: Meta has no idempotency key, so a worker that dies after Meta accepted a
    // message but before the batch was written sends that message again on retry.
    await pacer.take(`whatsapp:${sender.phoneNumberId}`);
    const providers = platform.providers.whatsapp;
    return await (broadcast.livemode ? providers.live : providers.sandbox).send({
      reference: message.id,
      to: message.recipient,
      sender,
      template: { name: details.templateName, language: details.language, components },
    });
  };
}

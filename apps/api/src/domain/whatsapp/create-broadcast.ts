import { AppError, type SendWhatsappBody } from "@teekrr/shared";
import type { Platform } from "../../platform.ts";
import { acceptBroadcast, listRecipients } from "../broadcasts/accept.ts";
import type { BroadcastAccepted, Caller, TransactionStep } from "../broadcasts/caller.ts";
import type { MetaComponent } from "./components.ts";
import { renderWhatsAppMessages } from "./render.ts";
import { resolveSender, type SenderRef } from "./sender.ts";
import { findSendableTemplate } from "./templates.ts";

/** What a WhatsApp send job needs from its broadcast, kept in `broadcasts.details`. */
export interface WhatsAppBroadcastDetails {
  templateName: string;
  language: string;
  sender: SenderRef;
  /** Null when every message carries its own components. */
  components: MetaComponent[] | null;
}

/** Accepts a WhatsApp template broadcast: resolves, fills, prices, then commits at once. */
export async function createWhatsAppBroadcast(
  platform: Platform,
  caller: Caller,
  body: SendWhatsappBody,
  steps: TransactionStep[] = [],
): Promise<BroadcastAccepted> {
  const { db } = platform.database;
  const { accepted } = await acceptBroadcast(
    platform,
    caller,
    { channel: "whatsapp", body, steps },
    async (client) => {
      const template = await findSendableTemplate(db, client.id, body.templateName);
      const sender = await resolveSender(db, platform.config, client.id);
      const list = listRecipients("whatsapp", body);

      const rendered = renderWhatsAppMessages(
        template,
        body.variables ?? {},
        list.recipients,
        client.whatsappRate,
      );
      if (rendered.errors.length > 0) {
        throw new AppError("validation_failed", undefined, rendered.errors);
      }
      const details: WhatsAppBroadcastDetails = {
        templateName: template.name,
        language: template.details.language,
        sender,
        components: rendered.sharedComponents,
      };
      return {
        templateId: template.id,
        content: rendered.sharedText,
        details: details as unknown as Record<string, unknown>,
        messages: rendered.messages,
        duplicates: list.duplicates,
      };
    },
  );
  return accepted;
}

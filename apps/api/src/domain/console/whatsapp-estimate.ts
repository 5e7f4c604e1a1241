import type { WhatsappVariables } from "@teekrr/shared";
import type { Platform } from "../../platform.ts";
import { loadClient } from "../api-keys.ts";
import { requireChannel } from "../broadcasts/checks.ts";
import { validateRecipients } from "../broadcasts/validate-recipients.ts";
import { prepareRecipients } from "../recipients.ts";
import { describeTemplate } from "../whatsapp/components.ts";
import { renderWhatsAppMessages } from "../whatsapp/render.ts";
import { resolveSender } from "../whatsapp/sender.ts";
import {
  findSendableTemplate,
  listWhatsAppTemplates,
  type WhatsAppTemplateDetails,
} from "../whatsapp/templates.ts";
import { creditHeadroom, previewedRecipients } from "./headroom.ts";

/** The client's approved WhatsApp templates with the parameters each asks the sender to fill. */
export async function listSendableWhatsAppTemplates(platform: Platform, clientId: string) {
  const rows = await listWhatsAppTemplates(platform.database.db, clientId);
  return rows
    .filter((row) => row.status === "approved")
    .map((row) => {
      const details = row.details as unknown as WhatsAppTemplateDetails;
      const shape = describeTemplate(details.components);
      const footer = details.components.find((component) => component.type === "FOOTER");
      return {
        name: row.name,
        language: details.language,
        category: details.category,
        named: shape.named,
        headerFormat: shape.headerFormat,
        headerText: shape.headerText,
        headerParams: shape.headerParams,
        bodyText: shape.bodyText,
        bodyParams: shape.bodyParams,
        urlButtons: shape.urlButtons.length,
        footerText: footer?.type === "FOOTER" ? footer.text : null,
      };
    });
}

export interface WhatsAppEstimateInput {
  templateName: string;
  variables: WhatsappVariables;
  /** Recipient rows: `phone` plus this recipient's own parameter values, if any. */
  recipients: Record<string, string>[];
}

/**
 * What a WhatsApp broadcast would send and cost: the rows checked as `POST /broadcasts/validate`
 * checks them, every message filled as sending fills it (missing values reported by field),
 * and the total at the client's per-message rate.
 */
export async function estimateWhatsAppBroadcast(
  platform: Platform,
  clientId: string,
  input: WhatsAppEstimateInput,
) {
  const { db } = platform.database;
  const client = await loadClient(db, clientId);
  requireChannel(client, "whatsapp");
  const template = await findSendableTemplate(db, clientId, input.templateName);
  await resolveSender(db, platform.config, clientId);

  const validation = validateRecipients(
    "whatsapp",
    input.recipients.map((row) => row.phone ?? ""),
  );
  const list = prepareRecipients(
    { kind: "rows", items: input.recipients, addressField: "phone" },
    "whatsapp",
  );
  const rendered = renderWhatsAppMessages(
    template,
    input.variables,
    list.recipients,
    client.whatsappRate,
  );
  const cost = rendered.messages.reduce((sum, message) => sum + message.price, 0);

  return {
    ratePerMessage: client.whatsappRate,
    recipients: validation,
    problems: rendered.errors,
    previews: rendered.messages.slice(0, previewedRecipients).map((message) => ({
      recipient: message.recipient,
      text: message.content ?? rendered.sharedText ?? "",
    })),
    ...(await creditHeadroom(db, clientId, cost)),
  };
}

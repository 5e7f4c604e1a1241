import type { Platform } from "../../platform.ts";
import { loadClient } from "../api-keys.ts";
import { requireChannel } from "../broadcasts/checks.ts";
import { validateRecipients } from "../broadcasts/validate-recipients.ts";
import { planEmailMessages, renderEmail } from "../email/content.ts";
import { resolveEmailSender } from "../email/senders.ts";
import { findSuppressed } from "../email/suppressions.ts";
import { findApprovedEmailTemplate } from "../email/templates.ts";
import { prepareRecipients } from "../recipients.ts";
import { listTemplates } from "../template-review.ts";
import { creditHeadroom, previewedRecipients } from "./headroom.ts";

/** The client's approved email templates with the subject each suggests. */
export async function listSendableEmailTemplates(platform: Platform, clientId: string) {
  const rows = await listTemplates(platform.database.db, clientId, "email");
  return rows
    .filter((row) => row.status === "approved")
    .map((row) => {
      const details = row.details as { subject?: unknown; html?: unknown };
      return {
        name: row.name,
        subject: typeof details.subject === "string" ? details.subject : "",
        text: row.content,
        hasHtml: typeof details.html === "string" && details.html.length > 0,
      };
    });
}

export interface EmailEstimateInput {
  templateName: string;
  subject: string;
  /** Recipient rows: `email` plus values for the template's `{name}` placeholders. */
  recipients: Record<string, string>[];
}

/**
 * What an email broadcast would send and cost: the rows checked as `POST /broadcasts/validate`
 * checks them, suppressed addresses that sending would skip (and not charge), each of the
 * first recipients' subject and text as sending renders them, and the total.
 */
export async function estimateEmailBroadcast(
  platform: Platform,
  clientId: string,
  input: EmailEstimateInput,
) {
  const { db } = platform.database;
  const client = await loadClient(db, clientId);
  requireChannel(client, "email");
  const template = await findApprovedEmailTemplate(db, clientId, input.templateName);
  const sender = await resolveEmailSender(db, clientId, {
    platformDefault: platform.config.SES_DEFAULT_FROM,
    emulated: platform.providers.email.liveIsEmulator,
  });

  const validation = validateRecipients(
    "email",
    input.recipients.map((row) => row.email ?? ""),
  );
  const list = prepareRecipients(
    { kind: "rows", items: input.recipients, addressField: "email" },
    "email",
  );
  const suppressed = await findSuppressed(
    db,
    clientId,
    list.recipients.map((recipient) => recipient.address),
  );
  const sendable = list.recipients.filter((recipient) => !suppressed.has(recipient.address));
  const messages = planEmailMessages(sendable, client.emailRate);
  const cost = messages.reduce((sum, message) => sum + message.price, 0);

  return {
    from: sender.displayName ? `${sender.displayName} <${sender.fromAddress}>` : sender.fromAddress,
    ratePerMessage: client.emailRate,
    recipients: validation,
    suppressed: list.recipients
      .filter((recipient) => suppressed.has(recipient.address))
      .map((recipient) => ({ row: recipient.row, value: recipient.address })),
    sendable: sendable.length,
    previews: sendable.slice(0, previewedRecipients).map((recipient) => {
      // The HTML body is left out: the console previews what a reader sees as text.
      const email = renderEmail(
        { subject: input.subject, html: "" },
        template.text,
        recipient.values,
      );
      return { recipient: recipient.address, subject: email.subject, text: email.text };
    }),
    ...(await creditHeadroom(db, clientId, cost)),
  };
}

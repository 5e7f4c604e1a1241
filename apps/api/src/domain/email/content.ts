import { fillPlaceholders } from "@teekrr/shared";
import type { NewMessage } from "../broadcasts/persist.ts";
import type { Recipient } from "../recipients.ts";
import type { EmailSender } from "./senders.ts";
import type { EmailTemplate } from "./templates.ts";

/** What an email broadcast stores in `details`; the text body is the broadcast's `content`. */
export interface EmailBroadcastDetails {
  subject: string;
  html: string;
  from: string;
  fromName: string | null;
  templateName: string;
}

export interface RenderedEmail {
  subject: string;
  text: string;
  html: string;
}

const htmlEscapes: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

/** Recipient values are data, not markup: escaped, they cannot inject HTML into the body. */
function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => htmlEscapes[char] as string);
}

/** Renders one recipient's message from the broadcast's parts and the recipient's values. */
export function renderEmail(
  details: Pick<EmailBroadcastDetails, "subject" | "html">,
  text: string,
  values: Record<string, string>,
): RenderedEmail {
  const escaped = Object.fromEntries(
    Object.entries(values).map(([name, value]) => [name, escapeHtml(value)]),
  );
  return {
    // A header cannot hold a line break; one in a value would end the subject early.
    subject: fillPlaceholders(details.subject, values).replace(/[\r\n]+/g, " "),
    text: fillPlaceholders(text, values),
    html: fillPlaceholders(details.html, escaped),
  };
}

/**
 * Prices each recipient at the client's email rate. Messages keep only their recipient's
 * values; the body is rendered at send time, so a large broadcast stores its HTML once.
 */
export function planEmailMessages(recipients: Recipient[], ratePerMessage: number): NewMessage[] {
  return recipients.map((recipient) => ({
    recipient: recipient.address,
    content: null,
    variables: Object.keys(recipient.values).length > 0 ? recipient.values : null,
    segments: 1,
    price: ratePerMessage,
  }));
}

export function emailDetails(
  template: EmailTemplate,
  subject: string,
  sender: EmailSender,
): EmailBroadcastDetails {
  return {
    subject,
    html: template.html,
    from: sender.fromAddress,
    fromName: sender.displayName,
    templateName: template.name,
  };
}

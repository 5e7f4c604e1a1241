import type { FieldError, WhatsappVariables } from "@teekrr/shared";
import type { NewMessage } from "../broadcasts/persist.ts";
import type { Recipient } from "../recipients.ts";
import { buildComponents, type MetaComponent } from "./components.ts";
import type { SendableTemplate } from "./templates.ts";

export interface RenderedWhatsApp {
  /** Components every message shares, when no recipient carries its own values. */
  sharedComponents: MetaComponent[] | null;
  sharedText: string | null;
  messages: NewMessage[];
  errors: FieldError[];
}

const maxErrors = 100;

/**
 * Fills the template for every recipient and prices each message at the client's
 * per-message rate. Shared values are stored once on the broadcast; a recipient with its
 * own values gets its components on its message.
 */
export function renderWhatsAppMessages(
  template: SendableTemplate,
  variables: WhatsappVariables,
  recipients: Recipient[],
  rate: number,
): RenderedWhatsApp {
  const personalised = recipients.some((recipient) => Object.keys(recipient.values).length > 0);
  if (!personalised) {
    const built = buildComponents(template.shape, variables, null);
    if ("errors" in built) {
      return { sharedComponents: null, sharedText: null, messages: [], errors: built.errors };
    }
    return {
      sharedComponents: built.components,
      sharedText: built.bodyText,
      messages: recipients.map((recipient) => ({
        recipient: recipient.address,
        content: null,
        variables: null,
        segments: 1,
        price: rate,
      })),
      errors: [],
    };
  }

  const errors: FieldError[] = [];
  const messages: NewMessage[] = [];
  for (const recipient of recipients) {
    const built = buildComponents(template.shape, variables, {
      index: recipient.row,
      values: recipient.values,
    });
    if ("errors" in built) {
      errors.push(...built.errors.slice(0, maxErrors - errors.length));
      if (errors.length >= maxErrors) break;
      continue;
    }
    messages.push({
      recipient: recipient.address,
      content: built.bodyText,
      variables: { components: built.components },
      segments: 1,
      price: rate,
    });
  }
  return { sharedComponents: null, sharedText: null, messages, errors };
}

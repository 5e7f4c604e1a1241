import { permanentFailure } from "../channels/send-result.ts";
import { type EmailBroadcastDetails, renderEmail } from "../domain/email/content.ts";
import { findSuppressed } from "../domain/email/suppressions.ts";
import type { Platform } from "../platform.ts";
import type { SendOne } from "./send-chunk.ts";
import { sendPacers } from "./send-pacers.ts";

function stringValues(variables: Record<string, unknown> | null): Record<string, string> {
  const values: Record<string, string> = {};
  for (const [name, value] of Object.entries(variables ?? {})) {
    if (typeof value === "string") values[name] = value;
  }
  return values;
}

/**
 * Sends one email through SES (or the emulator, for sandbox broadcasts), paced to the
 * account's send rate across every worker. An address suppressed after the broadcast was
 * accepted, as happens to scheduled broadcasts, is failed instead of sent, so its share of
 * the credit is released.
 */
export function emailSender(platform: Platform): SendOne {
  const { db } = platform.database;
  const pacer = sendPacers(platform).email;

  return async (message, broadcast) => {
    const suppressed = await findSuppressed(db, broadcast.clientId, [message.recipient]);
    if (suppressed.size > 0) {
      return permanentFailure("suppressed", "Recipient is on the client's suppression list");
    }

    const details = broadcast.details as unknown as EmailBroadcastDetails;
    const rendered = renderEmail(details, broadcast.content ?? "", stringValues(message.variables));
    const mode = broadcast.livemode ? "live" : "sandbox";
    await pacer.take(`ses:${mode}`);
    return await platform.providers.email[mode].send({
      reference: message.id,
      from: details.from,
      fromName: details.fromName,
      to: message.recipient,
      subject: rendered.subject,
      text: rendered.text,
      html: rendered.html,
    });
  };
}

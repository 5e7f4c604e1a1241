import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { readSesEvent, type SesEvent, sesEventKind } from "../../channels/ses-notifications.ts";
import { queryRows } from "../sql.ts";
import { type ReportedSuppression, suppressReportedAddresses } from "./suppressions.ts";

interface FeedbackEntry {
  providerMessageId: string;
  recipient: string;
  /** Set when the address must be suppressed. */
  suppress: "bounce" | "complaint" | null;
  /** Kept in the message's history when the feedback does not change its status. */
  note: Record<string, unknown> | null;
}

function entriesOf(event: SesEvent): FeedbackEntry[] {
  const providerMessageId = event.mail.messageId;
  const kind = sesEventKind(event);
  if (kind === "Bounce" && event.bounce) {
    const { bounceType, bounceSubType, feedbackId, timestamp } = event.bounce;
    const permanent = bounceType === "Permanent";
    return event.bounce.bouncedRecipients.map((entry) => ({
      providerMessageId,
      recipient: entry.emailAddress.trim().toLowerCase(),
      suppress: permanent ? "bounce" : null,
      note: permanent
        ? null
        : {
            type: "bounce",
            bounceType,
            bounceSubType: bounceSubType ?? null,
            feedbackId: feedbackId ?? null,
            at: timestamp ?? null,
            diagnosticCode: entry.diagnosticCode ?? null,
          },
    }));
  }
  if (kind === "Complaint" && event.complaint) {
    const { complaintFeedbackType, complaintSubType, feedbackId, timestamp } = event.complaint;
    return event.complaint.complainedRecipients.map((entry) => ({
      providerMessageId,
      recipient: entry.emailAddress.trim().toLowerCase(),
      suppress: "complaint",
      note: {
        type: "complaint",
        complaintFeedbackType: complaintFeedbackType ?? null,
        complaintSubType: complaintSubType ?? null,
        feedbackId: feedbackId ?? null,
        at: timestamp ?? null,
      },
    }));
  }
  return [];
}

interface MatchedMessage {
  id: string;
  client_id: string;
  recipient: string;
  provider_message_id: string;
}

/**
 * Applies what SES feedback means beyond a status change, in the report worker's
 * transaction: hard bounces and complaints put the address on the client's suppression
 * list, and transient bounces and complaints are noted in the message's history. Both are
 * safe to repeat, so a notification delivered twice changes nothing the second time.
 */
export async function applySesFeedback(db: Executor, payloads: unknown[]): Promise<void> {
  const entries = payloads.flatMap((payload) => {
    const event = readSesEvent(payload);
    return event ? entriesOf(event) : [];
  });
  if (entries.length === 0) return;

  const messages = await queryRows<MatchedMessage>(
    db,
    sql`SELECT id, client_id, recipient, provider_message_id FROM messages
      WHERE channel = 'email'
        AND provider_message_id
          = ANY(${sql.param(entries.map((e) => e.providerMessageId))}::text[])`,
  );
  const byKey = new Map(messages.map((m) => [`${m.provider_message_id}|${m.recipient}`, m]));

  const suppressions: ReportedSuppression[] = [];
  const notes: { message: MatchedMessage; note: Record<string, unknown> }[] = [];
  for (const entry of entries) {
    // Matching on the recipient too keeps a notification from suppressing an address
    // that the named message was never sent to.
    const message = byKey.get(`${entry.providerMessageId}|${entry.recipient}`);
    if (!message) continue;
    if (entry.suppress) {
      suppressions.push({
        clientId: message.client_id,
        address: entry.recipient,
        reason: entry.suppress,
        messageId: message.id,
        detail: entry.suppress === "bounce" ? "SES permanent bounce" : "SES complaint",
      });
    }
    if (entry.note) notes.push({ message, note: entry.note });
  }

  await suppressReportedAddresses(db, suppressions);
  for (const { message, note } of notes) await noteOnCurrentEvent(db, message, note);
}

/**
 * Adds feedback to the history row of the message's current status. The containment check
 * on the feedback id makes a repeated notification a no-op.
 */
async function noteOnCurrentEvent(
  db: Executor,
  message: MatchedMessage,
  note: Record<string, unknown>,
): Promise<void> {
  const entry = JSON.stringify(note);
  const identity = JSON.stringify([{ feedbackId: note.feedbackId, type: note.type }]);
  await db.execute(sql`
    UPDATE message_events e SET detail = jsonb_set(coalesce(e.detail, '{}'::jsonb), '{feedback}',
      coalesce(e.detail->'feedback', '[]'::jsonb) || jsonb_build_array(${entry}::jsonb))
    FROM messages m
    WHERE m.client_id = ${message.client_id} AND m.id = ${message.id}
      AND e.client_id = m.client_id AND e.message_id = m.id AND e.status = m.status
      AND NOT coalesce(e.detail->'feedback', '[]'::jsonb) @> ${identity}::jsonb`);
}

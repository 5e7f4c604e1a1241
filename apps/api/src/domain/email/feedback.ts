import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { readSesEvent, type SesEvent, sesEventKind } from "../../channels/ses-notifications.ts";
import { queryRows } from "../sql.ts";
import { type MessageEvent, queueWebhookEvents } from "../webhooks/events.ts";
import { type ReportedSuppression, suppressReportedAddresses } from "./suppressions.ts";

interface FeedbackEntry {
  providerMessageId: string;
  recipient: string;
  /** Set when the address must be suppressed. */
  suppress: "bounce" | "complaint" | null;
  /** Kept in the message's history when the feedback does not change its status. */
  note: Record<string, unknown> | null;
  /** The `bounced` event's data for a bounce that leaves the status alone. */
  bouncedEvent: Record<string, unknown> | null;
}

function entriesOf(event: SesEvent): FeedbackEntry[] {
  const providerMessageId = event.mail.messageId;
  const kind = sesEventKind(event);
  if (kind === "Bounce" && event.bounce) {
    const { bounceType, bounceSubType, feedbackId, timestamp } = event.bounce;
    const permanent = bounceType === "Permanent";
    return event.bounce.bouncedRecipients.map((entry) => {
      const recipient = entry.emailAddress.trim().toLowerCase();
      return {
        providerMessageId,
        recipient,
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
        // A permanent bounce's event comes with its status change. The contract knows only
        // Permanent and Transient, so an `Undetermined` bounce is noted without an event.
        bouncedEvent:
          bounceType === "Transient"
            ? { email: recipient, bounceType, bounceSubType: bounceSubType ?? null }
            : null,
      };
    });
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
      bouncedEvent: null,
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
 * list, and transient bounces and complaints are noted in the message's history. A
 * transient bounce also queues a `bounced` event, once: only when its note is new. All of
 * it is safe to repeat, so feedback applied twice changes nothing the second time.
 * Feedback that may speak only for sandbox messages (`sandboxOnly`) leaves live ones alone.
 */
export async function applySesFeedback(
  db: Executor,
  payloads: unknown[],
  scope: { sandboxOnly?: boolean } = {},
): Promise<void> {
  const entries = payloads.flatMap((payload) => {
    const event = readSesEvent(payload);
    return event ? entriesOf(event) : [];
  });
  if (entries.length === 0) return;

  const sandbox = scope.sandboxOnly
    ? sql`AND EXISTS (SELECT 1 FROM broadcasts b
        WHERE b.client_id = m.client_id AND b.id = m.broadcast_id AND NOT b.livemode)`
    : sql``;
  const messages = await queryRows<MatchedMessage>(
    db,
    sql`SELECT id, client_id, recipient, provider_message_id FROM messages m
      WHERE channel = 'email'
        AND provider_message_id
          = ANY(${sql.param(entries.map((e) => e.providerMessageId))}::text[]) ${sandbox}`,
  );
  const byKey = new Map(messages.map((m) => [`${m.provider_message_id}|${m.recipient}`, m]));

  const suppressions: ReportedSuppression[] = [];
  const notes: {
    message: MatchedMessage;
    note: Record<string, unknown>;
    bouncedEvent: Record<string, unknown> | null;
  }[] = [];
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
    if (entry.note) notes.push({ message, note: entry.note, bouncedEvent: entry.bouncedEvent });
  }

  await suppressReportedAddresses(db, suppressions);
  const bouncedByClient = new Map<string, MessageEvent[]>();
  for (const { message, note, bouncedEvent } of notes) {
    const added = await noteOnCurrentEvent(db, message, note);
    if (!added || !bouncedEvent) continue;
    const events = bouncedByClient.get(message.client_id) ?? [];
    events.push({ messageId: message.id, data: bouncedEvent });
    bouncedByClient.set(message.client_id, events);
  }
  for (const [clientId, events] of bouncedByClient) {
    await queueWebhookEvents(db, clientId, "bounced", events);
  }
}

/**
 * Adds feedback to the history row of the message's current status, and says whether it
 * did. The containment check on the feedback id makes a repeated notification a no-op.
 */
async function noteOnCurrentEvent(
  db: Executor,
  message: MatchedMessage,
  note: Record<string, unknown>,
): Promise<boolean> {
  const entry = JSON.stringify(note);
  const identity = JSON.stringify([{ feedbackId: note.feedbackId, type: note.type }]);
  const noted = await queryRows<{ message_id: string }>(
    db,
    sql`
    UPDATE message_events e SET detail = jsonb_set(coalesce(e.detail, '{}'::jsonb), '{feedback}',
      coalesce(e.detail->'feedback', '[]'::jsonb) || jsonb_build_array(${entry}::jsonb))
    FROM messages m
    WHERE m.client_id = ${message.client_id} AND m.id = ${message.id}
      AND e.client_id = m.client_id AND e.message_id = m.id AND e.status = m.status
      AND NOT coalesce(e.detail->'feedback', '[]'::jsonb) @> ${identity}::jsonb
    RETURNING e.message_id`,
  );
  return noted.length > 0;
}

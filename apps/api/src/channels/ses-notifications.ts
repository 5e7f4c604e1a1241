import { z } from "zod";
import type { StatusReport } from "../domain/messages/reports.ts";

/**
 * SES notifications as SNS delivers them: the SNS envelope's `Message` is the SES event as
 * JSON text. Only the fields used here are declared; everything else passes through, so
 * fields SES adds later do not break parsing.
 */
const recipientEntry = z.looseObject({
  emailAddress: z.string().min(3).max(320),
  action: z.string().optional(),
  status: z.string().optional(),
  diagnosticCode: z.string().optional(),
});

const mail = z.looseObject({
  messageId: z.string().min(1).max(200),
  timestamp: z.string().optional(),
  source: z.string().optional(),
  destination: z.array(z.string()).optional(),
});

const sesEvent = z.looseObject({
  notificationType: z.string().optional(),
  /** Configuration-set event publishing names the kind `eventType` instead. */
  eventType: z.string().optional(),
  mail,
  bounce: z
    .looseObject({
      bounceType: z.string(),
      bounceSubType: z.string().optional(),
      bouncedRecipients: z.array(recipientEntry),
      timestamp: z.string().optional(),
      feedbackId: z.string().optional(),
    })
    .optional(),
  complaint: z
    .looseObject({
      complainedRecipients: z.array(recipientEntry),
      complaintFeedbackType: z.string().nullish(),
      complaintSubType: z.string().nullish(),
      timestamp: z.string().optional(),
      feedbackId: z.string().optional(),
    })
    .optional(),
  delivery: z
    .looseObject({
      recipients: z.array(z.string()),
      timestamp: z.string().optional(),
      smtpResponse: z.string().optional(),
    })
    .optional(),
});
export type SesEvent = z.infer<typeof sesEvent>;

/** Reads the SES event out of a stored SNS notification; anything else yields null. */
export function readSesEvent(payload: unknown): SesEvent | null {
  if (typeof payload !== "object" || payload === null) return null;
  const envelope = payload as { Type?: unknown; Message?: unknown };
  if (envelope.Type !== "Notification" || typeof envelope.Message !== "string") return null;
  let inner: unknown;
  try {
    inner = JSON.parse(envelope.Message);
  } catch {
    return null;
  }
  const parsed = sesEvent.safeParse(inner);
  return parsed.success ? parsed.data : null;
}

export function sesEventKind(event: SesEvent): string {
  return event.notificationType ?? event.eventType ?? "";
}

function lower(address: string): string {
  return address.trim().toLowerCase();
}

/**
 * Turns an SES notification into one report per recipient. A permanent bounce ends the
 * message `bounced`; a transient one only confirms the message was sent (its detail is
 * kept by the feedback step); a complaint implies the mail was delivered.
 */
export function parseSesNotification(payload: unknown): StatusReport[] {
  const event = readSesEvent(payload);
  if (!event) return [];
  const providerMessageId = event.mail.messageId;
  const kind = sesEventKind(event);

  if (kind === "Bounce" && event.bounce) {
    const { bounceType, bounceSubType, feedbackId } = event.bounce;
    const permanent = bounceType === "Permanent";
    return event.bounce.bouncedRecipients.map((entry) => ({
      channel: "email",
      providerMessageId,
      recipient: lower(entry.emailAddress),
      status: permanent ? "bounced" : "send",
      ...(permanent
        ? {
            errorCode: `bounce_${(bounceSubType ?? "General").toLowerCase()}`,
            errorMessage: entry.diagnosticCode ?? `${bounceType} bounce (${bounceSubType ?? ""})`,
          }
        : {}),
      detail: {
        email: lower(entry.emailAddress),
        bounceType,
        bounceSubType: bounceSubType ?? null,
        ...(entry.status ? { smtpStatus: entry.status } : {}),
        ...(entry.diagnosticCode ? { diagnosticCode: entry.diagnosticCode } : {}),
        ...(feedbackId ? { feedbackId } : {}),
      },
    }));
  }

  if (kind === "Complaint" && event.complaint) {
    return event.complaint.complainedRecipients.map((entry) => ({
      channel: "email",
      providerMessageId,
      recipient: lower(entry.emailAddress),
      status: "delivered",
    }));
  }

  if (kind === "Delivery" && event.delivery) {
    const { smtpResponse } = event.delivery;
    return event.delivery.recipients.map((address) => ({
      channel: "email",
      providerMessageId,
      recipient: lower(address),
      status: "delivered",
      ...(smtpResponse ? { detail: { smtpResponse } } : {}),
    }));
  }
  return [];
}

import { z } from "zod";

/** The published hard ceiling; the configured per-request limit may be lower. */
export const maxRecipientsCeiling = 100_000;

export const broadcastType = z.enum(["quick broadcast", "schedule broadcast"]);

export const campaignName = z.string().trim().min(1).max(255);

export const scheduledAt = z.iso.datetime({ offset: true }).nullish();

/** A recipient row: the address plus string values for the template's placeholders. */
export function recipientRow(addressField: "phone" | "email") {
  return z.object({ [addressField]: z.string().min(1).max(320) }).catchall(z.string().max(1000));
}

/**
 * Adds the rules shared by every broadcast body: exactly one recipient form and a
 * `scheduledAt` in the future exactly when the type asks for one.
 */
export function checkBroadcastShape(
  body: {
    type: string;
    scheduledAt?: string | null | undefined;
    recipients?: unknown[] | undefined;
    recipientVariables?: unknown[] | undefined;
  },
  context: z.RefinementCtx,
): void {
  const hasList = body.recipients !== undefined;
  const hasRows = body.recipientVariables !== undefined;
  if (hasList === hasRows) {
    context.addIssue({
      code: "custom",
      path: [hasList ? "recipientVariables" : "recipients"],
      message: "Provide exactly one of recipients or recipientVariables",
    });
  }
  if (
    (body.recipients?.length ?? body.recipientVariables?.length ?? 0) === 0 &&
    hasList !== hasRows
  ) {
    context.addIssue({
      code: "custom",
      path: [hasList ? "recipients" : "recipientVariables"],
      message: "At least one recipient is required",
    });
  }
  if (body.type === "schedule broadcast") {
    if (!body.scheduledAt) {
      context.addIssue({
        code: "custom",
        path: ["scheduledAt"],
        message: "scheduledAt is required for a scheduled broadcast",
      });
    } else if (Date.parse(body.scheduledAt) <= Date.now()) {
      context.addIssue({
        code: "custom",
        path: ["scheduledAt"],
        message: "scheduledAt must be in the future",
      });
    }
  }
}

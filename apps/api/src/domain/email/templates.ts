import type { Executor } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import type { Actor } from "../audit.ts";
import { createTemplate, findTemplateByName } from "../templates.ts";

export interface NewEmailTemplate {
  clientId: string;
  name: string;
  subject: string;
  html: string;
  text: string;
  status?: "pending" | "approved" | "rejected";
}

/** The parts of an email template, read from the shared templates table. */
export interface EmailTemplate {
  id: string;
  name: string;
  subject: string;
  html: string;
  text: string;
}

function invalid(field: string, message: string): AppError {
  return new AppError("validation_failed", undefined, [{ field, message }]);
}

/**
 * Stores an email template: the text body in `content`, the subject and HTML body in
 * `details`. At least one body is needed, since SES refuses a message with neither.
 */
export async function createEmailTemplate(db: Executor, actor: Actor, input: NewEmailTemplate) {
  if (input.subject.trim().length === 0 || input.subject.length > 200) {
    throw invalid("subject", "A subject has 1 to 200 characters");
  }
  if (input.html.trim().length === 0 && input.text.trim().length === 0) {
    throw invalid("text", "An email template needs a text or an HTML body");
  }
  if (input.html.length > 500_000 || input.text.length > 500_000) {
    throw invalid("html", "An email body is at most 500,000 characters");
  }
  return await createTemplate(db, actor, {
    clientId: input.clientId,
    channel: "email",
    name: input.name,
    content: input.text,
    details: { subject: input.subject, html: input.html },
    status: input.status ?? "pending",
  });
}

/** An approved email template of this client; anything else is "Template not found". */
export async function findApprovedEmailTemplate(
  db: Executor,
  clientId: string,
  name: string,
): Promise<EmailTemplate> {
  const row = await findTemplateByName(db, clientId, "email", name);
  if (row?.status !== "approved") throw new AppError("template_not_found");
  const details = row.details as { subject?: unknown; html?: unknown };
  return {
    id: row.id,
    name: row.name,
    subject: typeof details.subject === "string" ? details.subject : "",
    html: typeof details.html === "string" ? details.html : "",
    text: row.content,
  };
}

import { type Executor, templates } from "@teekrr/db";
import {
  AppError,
  type FieldError,
  type WhatsappTemplateComponent,
  whatsappTemplateDefinition,
} from "@teekrr/shared";
import { and, asc, eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit.ts";
import { createTemplate, findTemplateByName } from "../templates.ts";
import { describeTemplate, type TemplateShape } from "./components.ts";

export type TemplateStatus = "pending" | "approved" | "rejected";

/** How a WhatsApp template's Meta-side definition is kept in `templates.details`. */
export interface WhatsAppTemplateDetails {
  language: string;
  category: "MARKETING" | "UTILITY" | "AUTHENTICATION";
  parameterFormat: "POSITIONAL" | "NAMED";
  components: WhatsappTemplateComponent[];
}

export interface NewWhatsAppTemplate {
  clientId: string;
  name: string;
  language: string;
  category: string;
  components: unknown;
  status?: TemplateStatus;
}

/** Registers a client's WhatsApp template, checking its components the way Meta would. */
export async function createWhatsAppTemplate(
  db: Executor,
  actor: Actor,
  input: NewWhatsAppTemplate,
) {
  const parsed = whatsappTemplateDefinition.safeParse(input);
  if (!parsed.success) {
    const errors: FieldError[] = parsed.error.issues.map((issue) => ({
      field: issue.path.length > 0 ? issue.path.join(".") : "template",
      message: issue.message,
    }));
    throw new AppError("validation_failed", undefined, errors);
  }
  const shape = describeTemplate(parsed.data.components);
  const details: WhatsAppTemplateDetails = {
    language: parsed.data.language,
    category: parsed.data.category,
    parameterFormat: shape.named ? "NAMED" : "POSITIONAL",
    components: parsed.data.components,
  };
  return await createTemplate(db, actor, {
    clientId: input.clientId,
    channel: "whatsapp",
    name: parsed.data.name,
    content: shape.bodyText,
    details: details as unknown as Record<string, unknown>,
    status: input.status ?? "pending",
  });
}

/** Records Meta's verdict on a template: approved templates can be sent. */
export async function setWhatsAppTemplateStatus(
  db: Executor,
  actor: Actor,
  clientId: string,
  templateId: string,
  status: TemplateStatus,
) {
  const where = and(
    eq(templates.clientId, clientId),
    eq(templates.id, templateId),
    eq(templates.channel, "whatsapp"),
  );
  const [before] = await db.select().from(templates).where(where);
  if (!before) throw new AppError("whatsapp_template_not_found");
  const [after] = await db
    .update(templates)
    .set({ status, updatedAt: new Date() })
    .where(where)
    .returning();
  await recordAudit(db, actor, {
    clientId,
    action: "template.status",
    targetType: "template",
    targetId: templateId,
    before: { status: before.status },
    after: { status: after?.status },
  });
  return after;
}

export async function listWhatsAppTemplates(db: Executor, clientId: string) {
  return await db
    .select()
    .from(templates)
    .where(and(eq(templates.clientId, clientId), eq(templates.channel, "whatsapp")))
    .orderBy(asc(templates.name));
}

export interface SendableTemplate {
  id: string;
  name: string;
  details: WhatsAppTemplateDetails;
  shape: TemplateShape;
}

/** The named template, if this client has it and Meta approved it (404 and 422 otherwise). */
export async function findSendableTemplate(
  db: Executor,
  clientId: string,
  name: string,
): Promise<SendableTemplate> {
  const template = await findTemplateByName(db, clientId, "whatsapp", name);
  if (!template) throw new AppError("whatsapp_template_not_found");
  if (template.status !== "approved") {
    throw new AppError(
      "template_not_approved",
      `Template is not approved (current status: ${template.status})`,
    );
  }
  const details = template.details as unknown as WhatsAppTemplateDetails;
  return {
    id: template.id,
    name: template.name,
    details,
    shape: describeTemplate(details.components),
  };
}

import { type Executor, keywords, templates } from "@teekrr/db";
import { AppError, type Channel } from "@teekrr/shared";
import { and, eq } from "drizzle-orm";
import { type Actor, recordAudit } from "./audit.ts";
import { isUniqueViolation } from "./sql.ts";

export interface NewTemplate {
  clientId: string;
  channel: Channel;
  name: string;
  content: string;
  details?: Record<string, unknown>;
  status?: "pending" | "approved" | "rejected";
}

/** The client's template of `channel` called `name`, whatever its status; or undefined. */
export async function findTemplateByName(
  db: Executor,
  clientId: string,
  channel: Channel,
  name: string,
) {
  const [template] = await db
    .select()
    .from(templates)
    .where(
      and(
        eq(templates.clientId, clientId),
        eq(templates.channel, channel),
        eq(templates.name, name),
      ),
    );
  return template;
}

export async function createTemplate(db: Executor, actor: Actor, input: NewTemplate) {
  if (input.name.length === 0 || input.name.length > 512) {
    throw new AppError("validation_failed", undefined, [
      { field: "name", message: "A template name has 1 to 512 characters" },
    ]);
  }
  try {
    const [template] = await db
      .insert(templates)
      .values({
        clientId: input.clientId,
        channel: input.channel,
        name: input.name,
        content: input.content,
        details: input.details ?? {},
        status: input.status ?? "pending",
      })
      .returning();
    if (!template) throw new Error("template insert returned nothing");
    await recordAudit(db, actor, {
      clientId: input.clientId,
      action: "template.create",
      targetType: "template",
      targetId: template.id,
      after: template,
    });
    return template;
  } catch (error) {
    if (isUniqueViolation(error)) {
      throw new AppError("conflict", `A ${input.channel} template named ${input.name} exists`);
    }
    throw error;
  }
}

/** Staff and the command line register approved keywords; a client's own request waits. */
export async function createKeyword(
  db: Executor,
  actor: Actor,
  clientId: string,
  keyword: string,
  status: "pending" | "approved" = "approved",
) {
  const value = keyword.trim();
  if (!/^[A-Za-z0-9]{1,10}$/.test(value)) {
    throw new AppError("validation_failed", undefined, [
      { field: "keyword", message: "A keyword has 1 to 10 letters or digits" },
    ]);
  }
  try {
    const [row] = await db
      .insert(keywords)
      .values({ clientId, keyword: value, status })
      .returning();
    if (!row) throw new Error("keyword insert returned nothing");
    await recordAudit(db, actor, {
      clientId,
      action: "keyword.create",
      targetType: "keyword",
      targetId: row.id,
      after: row,
    });
    return row;
  } catch (error) {
    if (isUniqueViolation(error)) throw new AppError("conflict", `Keyword ${value} exists`);
    throw error;
  }
}

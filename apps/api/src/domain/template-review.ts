import { type Executor, keywords, templates } from "@teekrr/db";
import { AppError, type Channel } from "@teekrr/shared";
import { and, asc, eq } from "drizzle-orm";
import { type Actor, recordAudit } from "./audit.ts";
import { isUuid } from "./broadcasts/read.ts";

export type ReviewDecision = "approved" | "rejected";

export async function listTemplates(db: Executor, clientId: string, channel?: Channel) {
  return await db
    .select()
    .from(templates)
    .where(
      channel
        ? and(eq(templates.clientId, clientId), eq(templates.channel, channel))
        : eq(templates.clientId, clientId),
    )
    .orderBy(asc(templates.channel), asc(templates.name));
}

export async function listKeywords(db: Executor, clientId: string) {
  return await db
    .select()
    .from(keywords)
    .where(eq(keywords.clientId, clientId))
    .orderBy(asc(keywords.keyword));
}

/** Staff approve or reject a client's template; the decision is audited with both states. */
export async function reviewTemplate(
  db: Executor,
  actor: Actor,
  clientId: string,
  templateId: string,
  decision: ReviewDecision,
) {
  if (!isUuid(templateId)) throw new AppError("template_not_found");
  const where = and(eq(templates.clientId, clientId), eq(templates.id, templateId));
  const [before] = await db.select().from(templates).where(where);
  if (!before) throw new AppError("template_not_found");
  const [after] = await db
    .update(templates)
    .set({ status: decision, updatedAt: new Date() })
    .where(where)
    .returning();
  await recordAudit(db, actor, {
    clientId,
    action: `template.${decision === "approved" ? "approve" : "reject"}`,
    targetType: "template",
    targetId: templateId,
    before: { status: before.status },
    after: { status: after?.status },
  });
  return after;
}

export async function reviewKeyword(
  db: Executor,
  actor: Actor,
  clientId: string,
  keywordId: string,
  decision: ReviewDecision,
) {
  if (!isUuid(keywordId)) throw new AppError("keyword_not_found");
  const where = and(eq(keywords.clientId, clientId), eq(keywords.id, keywordId));
  const [before] = await db.select().from(keywords).where(where);
  if (!before) throw new AppError("keyword_not_found");
  const [after] = await db.update(keywords).set({ status: decision }).where(where).returning();
  await recordAudit(db, actor, {
    clientId,
    action: `keyword.${decision === "approved" ? "approve" : "reject"}`,
    targetType: "keyword",
    targetId: keywordId,
    before: { status: before.status },
    after: { status: after?.status },
  });
  return after;
}

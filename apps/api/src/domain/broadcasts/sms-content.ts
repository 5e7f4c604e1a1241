import { type Executor, keywords } from "@teekrr/db";
import { AppError, composeSmsText, fillPlaceholders, segmentSms } from "@teekrr/shared";
import { and, eq } from "drizzle-orm";
import type { Recipient } from "../recipients.ts";
import { findTemplateByName } from "../templates.ts";
import type { NewMessage } from "./persist.ts";

export async function findApprovedSmsTemplate(db: Executor, clientId: string, name: string) {
  const template = await findTemplateByName(db, clientId, "sms", name);
  if (template?.status !== "approved") throw new AppError("template_not_found");
  return template;
}

export async function findKeyword(db: Executor, clientId: string, keyword: string) {
  const [row] = await db
    .select()
    .from(keywords)
    .where(
      and(
        eq(keywords.clientId, clientId),
        eq(keywords.keyword, keyword),
        eq(keywords.status, "approved"),
      ),
    );
  if (!row) throw new AppError("keyword_not_found");
  return row;
}

/**
 * Renders each recipient's text and prices it per segment. When no recipient carries
 * variables every message shares one text, which is segmented once and stored once on
 * the broadcast rather than on each message.
 */
export function renderSmsMessages(
  body: string,
  keyword: string | null,
  recipients: Recipient[],
  ratePerSegment: number,
): { shared: string | null; messages: NewMessage[] } {
  const personalised = recipients.some((recipient) => Object.keys(recipient.values).length > 0);
  if (!personalised) {
    const text = composeSmsText(body, keyword);
    const { segments } = segmentSms(text);
    const price = segments * ratePerSegment;
    return {
      shared: text,
      messages: recipients.map((recipient) => ({
        recipient: recipient.address,
        content: null,
        variables: null,
        segments,
        price,
      })),
    };
  }

  return {
    shared: null,
    messages: recipients.map((recipient) => {
      const text = composeSmsText(fillPlaceholders(body, recipient.values), keyword);
      const { segments } = segmentSms(text);
      return {
        recipient: recipient.address,
        content: text,
        variables: null,
        segments,
        price: segments * ratePerSegment,
      };
    }),
  };
}

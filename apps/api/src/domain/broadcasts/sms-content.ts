import { type Executor, keywords } from "@teekrr/db";
import {
  AppError,
  composeSmsText,
  type FieldError,
  fillPlaceholders,
  placeholdersOf,
  segmentSms,
  smsContentMaxLength,
} from "@teekrr/shared";
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

  refuseUnfitRows(body, recipients);
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

/** Enough field errors to fix a file by, without answering one line per bad row of 100,000. */
const maxRowErrors = 100;

/**
 * A row must give every placeholder of the text a value, or the recipient would get the
 * `{name}` as written; and its filled-in text must stay within the length the text itself
 * may have, or one long value repeated by the placeholders could make one message cost
 * hundreds of segments.
 */
function refuseUnfitRows(body: string, recipients: Recipient[]): void {
  const names = [...new Set(placeholdersOf(body))];
  const errors: FieldError[] = [];
  for (const recipient of recipients) {
    if (errors.length >= maxRowErrors) break;
    const missing = names.filter((name) => !Object.hasOwn(recipient.values, name));
    for (const name of missing) {
      errors.push({
        field: `recipientVariables.${recipient.row}.${name}`,
        message: `A value for {${name}} is required`,
      });
    }
    if (missing.length > 0) continue;
    if (fillPlaceholders(body, recipient.values).length > smsContentMaxLength) {
      errors.push({
        field: `recipientVariables.${recipient.row}`,
        message: `The filled-in text is longer than ${smsContentMaxLength} characters`,
      });
    }
  }
  if (errors.length > 0) throw new AppError("validation_failed", undefined, errors);
}

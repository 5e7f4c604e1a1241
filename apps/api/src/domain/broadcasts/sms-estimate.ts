import type { Executor } from "@teekrr/db";
import {
  complianceWarnings,
  composeSmsText,
  fillPlaceholders,
  segmentSms,
  smsPrefix,
} from "@teekrr/shared";
import { loadClient } from "../api-keys.ts";
import { creditSummary } from "../credit-summary.ts";
import { prepareRecipients } from "../recipients.ts";
import { findApprovedSmsTemplate, findKeyword, renderSmsMessages } from "./sms-content.ts";

export interface RecipientProblem {
  /** 1-based position in the list the person supplied. */
  row: number;
  value: string;
  message: string;
}

/**
 * Checks a recipient list row by row without writing anything: invalid rows with the
 * reason, and later repeats of an earlier number, each by its position.
 */
export function checkSmsRecipients(rows: Record<string, string>[]) {
  const list = prepareRecipients({ kind: "rows", items: rows, addressField: "phone" }, "sms");
  const invalid: RecipientProblem[] = list.errors.map((error) => {
    const index = Number(error.field.split(".")[1]);
    return { row: index + 1, value: rows[index]?.phone ?? "", message: error.message };
  });
  const kept = new Set(list.recipients.map((recipient) => recipient.row));
  const failed = new Set(invalid.map((problem) => problem.row - 1));
  const duplicates: RecipientProblem[] = [];
  rows.forEach((row, index) => {
    if (!kept.has(index) && !failed.has(index)) {
      duplicates.push({ row: index + 1, value: row.phone ?? "", message: "Duplicate number" });
    }
  });
  return { list, invalid, duplicates };
}

export interface SmsEstimateInput {
  content?: string | undefined;
  templateName?: string | undefined;
  keyword?: string | undefined;
  recipients: Record<string, string>[];
}

/**
 * What an SMS broadcast would look like and cost, priced exactly as sending would price
 * it, with the credit or cap headroom it would draw on.
 */
export async function estimateSmsBroadcast(
  db: Executor,
  clientId: string,
  input: SmsEstimateInput,
) {
  const client = await loadClient(db, clientId);
  const template = input.templateName
    ? await findApprovedSmsTemplate(db, clientId, input.templateName)
    : null;
  const keyword = input.keyword ? (await findKeyword(db, clientId, input.keyword)).keyword : null;
  const body = template?.content ?? input.content ?? "";
  const { list, invalid, duplicates } = checkSmsRecipients(input.recipients);

  const rendered = renderSmsMessages(body, keyword, list.recipients, client.smsRate);
  const cost = rendered.messages.reduce((sum, message) => sum + message.price, 0);
  const sample = composeSmsText(fillPlaceholders(body, list.recipients[0]?.values ?? {}), keyword);
  const credit = await creditSummary(db, clientId);
  return {
    text: sample,
    prefix: smsPrefix,
    ...segmentSms(sample),
    warnings: complianceWarnings(sample, client.brand),
    ratePerSegment: client.smsRate,
    recipients: {
      total: input.recipients.length,
      valid: list.recipients.length,
      invalid,
      duplicates,
    },
    cost,
    billing: credit.billing,
    available: credit.available,
    enough: cost <= credit.available,
  };
}

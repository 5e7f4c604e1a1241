import type { Executor } from "@teekrr/db";
import { fillPlaceholders } from "@teekrr/shared";
import { loadClient } from "../api-keys.ts";
import {
  findApprovedSmsTemplate,
  findKeyword,
  renderSmsMessages,
} from "../broadcasts/sms-content.ts";
import { validateRecipients } from "../broadcasts/validate-recipients.ts";
import { prepareRecipients } from "../recipients.ts";
import { previewSms } from "../sms-preview.ts";
import { creditHeadroom } from "./headroom.ts";

export interface SmsEstimateInput {
  content?: string | undefined;
  templateName?: string | undefined;
  keyword?: string | undefined;
  recipients: Record<string, string>[];
}

/**
 * What an SMS broadcast would look like and cost before it is sent: the first recipient's
 * text as `POST /sms/preview` describes it, the row check of `POST /broadcasts/validate`,
 * and the total priced exactly as sending prices it.
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

  const validation = validateRecipients(
    "sms",
    input.recipients.map((row) => row.phone ?? ""),
  );
  const list = prepareRecipients(
    { kind: "rows", items: input.recipients, addressField: "phone" },
    "sms",
  );
  const rendered = renderSmsMessages(body, keyword, list.recipients, client.smsRate);
  const cost = rendered.messages.reduce((sum, message) => sum + message.price, 0);
  const firstValues = list.recipients[0]?.values ?? {};
  const sample = previewSms(
    { content: fillPlaceholders(body, firstValues), keyword: keyword ?? undefined },
    client,
  );

  return {
    ...sample,
    ratePerSegment: client.smsRate,
    recipients: validation,
    ...(await creditHeadroom(db, clientId, cost)),
  };
}

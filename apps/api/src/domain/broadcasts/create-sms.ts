import type { SendSmsBody } from "@teekrr/shared";
import type { Platform } from "../../platform.ts";
import { acceptBroadcast, listRecipients } from "./accept.ts";
import type { BroadcastAccepted, Caller, TransactionStep } from "./caller.ts";
import { findApprovedSmsTemplate, findKeyword, renderSmsMessages } from "./sms-content.ts";

/** Accepts an SMS broadcast: resolves, normalises, prices, then commits everything at once. */
export async function createSmsBroadcast(
  platform: Platform,
  caller: Caller,
  body: SendSmsBody,
  steps: TransactionStep[] = [],
): Promise<BroadcastAccepted> {
  const { db } = platform.database;
  const { accepted } = await acceptBroadcast(
    platform,
    caller,
    { channel: "sms", body, steps },
    async (client) => {
      const template = body.templateName
        ? await findApprovedSmsTemplate(db, client.id, body.templateName)
        : null;
      const keyword = body.keyword
        ? (await findKeyword(db, client.id, body.keyword)).keyword
        : null;
      const list = listRecipients("sms", body);

      const content = template?.content ?? body.templateContent ?? "";
      const rendered = renderSmsMessages(content, keyword, list.recipients, client.smsRate);
      return {
        templateId: template?.id ?? null,
        keyword,
        content: rendered.shared,
        messages: rendered.messages,
        duplicates: list.duplicates,
      };
    },
  );
  return accepted;
}

import type { MessageStatus } from "@teekrr/shared";
import { z } from "zod";
import type { StatusReport } from "../domain/messages/reports.ts";

const statusError = z.object({
  code: z.union([z.number(), z.string()]),
  title: z.string().max(1000).optional(),
  message: z.string().max(1000).optional(),
  error_data: z.object({ details: z.string().max(2000).optional() }).optional(),
});

const metaStatus = z.object({
  id: z.string().min(1).max(256),
  status: z.string().max(32),
  timestamp: z.string().max(32).optional(),
  recipient_id: z.string().max(64).optional(),
  conversation: z.object({ id: z.string().max(256).optional() }).optional(),
  pricing: z.object({ category: z.string().max(64).optional() }).optional(),
  errors: z.array(statusError).max(10).optional(),
});

/** The parts of a Meta webhook that carry message statuses; everything else is ignored. */
const metaWebhook = z.object({
  object: z.string().optional(),
  entry: z
    .array(
      z.object({
        id: z.string().optional(),
        changes: z
          .array(
            z.object({
              field: z.string().optional(),
              value: z
                .object({
                  metadata: z.object({ phone_number_id: z.string().optional() }).optional(),
                  statuses: z.array(z.unknown()).max(1000).optional(),
                })
                .optional(),
            }),
          )
          .max(100),
      }),
    )
    .max(100),
});

const applied: Record<string, MessageStatus> = {
  sent: "sent",
  delivered: "delivered",
  read: "read",
  failed: "failed",
};

/** The phone number ids a webhook speaks for, to find the app secrets that may sign it. */
export function metaPhoneNumberIds(payload: unknown): string[] {
  const parsed = metaWebhook.safeParse(payload);
  if (!parsed.success) return [];
  const ids = parsed.data.entry.flatMap((entry) =>
    entry.changes.flatMap((change) => change.value?.metadata?.phone_number_id ?? []),
  );
  return [...new Set(ids)];
}

/**
 * Every status in a Meta webhook, across batched entries and changes. Statuses Meta adds
 * later (such as `deleted` or `warning`) and malformed items are skipped, not fatal. Each
 * applies only to a message sent from the number its change names; a change that names
 * none speaks for no message.
 */
export function parseMetaStatuses(payload: unknown): StatusReport[] {
  const parsed = metaWebhook.safeParse(payload);
  if (!parsed.success) return [];
  const reports: StatusReport[] = [];
  for (const entry of parsed.data.entry) {
    for (const change of entry.changes) {
      const senderPhoneNumberId = change.value?.metadata?.phone_number_id;
      if (!senderPhoneNumberId) continue;
      for (const raw of change.value?.statuses ?? []) {
        const item = metaStatus.safeParse(raw);
        if (!item.success) continue;
        const status = applied[item.data.status];
        if (!status) continue;
        const error = item.data.errors?.[0];
        reports.push({
          channel: "whatsapp",
          providerMessageId: item.data.id,
          status,
          senderPhoneNumberId,
          ...(status === "failed"
            ? {
                errorCode: String(error?.code ?? "failed"),
                errorMessage:
                  error?.message ??
                  error?.title ??
                  error?.error_data?.details ??
                  "Meta reported failed",
              }
            : {}),
          detail: {
            ...(item.data.timestamp ? { providerTimestamp: item.data.timestamp } : {}),
            ...(item.data.pricing?.category ? { pricingCategory: item.data.pricing.category } : {}),
          },
        });
      }
    }
  }
  return reports;
}

import { z } from "zod";
import type { StatusReport } from "../domain/messages/reports.ts";

/** A delivery report as Elfo posts it. */
export const elfoReport = z.object({
  sms_id: z.string().min(1).max(128),
  status: z.string().min(1).max(64),
  error_code: z.union([z.string(), z.number()]).optional(),
  error: z.string().max(1000).optional(),
});
export type ElfoReport = z.infer<typeof elfoReport>;

const deliveredStatuses = new Set(["DELIVERED", "DELIVRD"]);
/** Elfo's intermediate states say nothing final and are stored but not applied. */
const pendingStatuses = new Set(["ACCEPTED", "ENROUTE", "SENT", "BUFFERED"]);

export function parseElfoReport(payload: unknown): StatusReport[] {
  const parsed = elfoReport.safeParse(payload);
  if (!parsed.success) return [];
  const status = parsed.data.status.toUpperCase();
  if (pendingStatuses.has(status)) return [];
  const delivered = deliveredStatuses.has(status);
  return [
    {
      channel: "sms",
      providerMessageId: parsed.data.sms_id,
      status: delivered ? "delivered" : "failed",
      ...(delivered
        ? {}
        : {
            errorCode: String(parsed.data.error_code ?? status),
            errorMessage: parsed.data.error ?? `Elfo reported ${status}`,
          }),
    },
  ];
}

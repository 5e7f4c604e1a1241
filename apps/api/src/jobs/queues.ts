import { z } from "zod";

/** Every queue the platform uses, with the payload each job carries. */
export const queues = {
  sendSms: "send.sms",
  sendEmail: "send.email",
  sendWhatsapp: "send.whatsapp",
  reportIngest: "report.ingest",
  broadcastSchedule: "broadcast.schedule",
  maintenanceSweep: "maintenance.sweep",
  webhookDeliver: "webhook.deliver",
} as const;

export type QueueName = (typeof queues)[keyof typeof queues];

export const sendChunkJob = z.object({
  clientId: z.uuid(),
  broadcastId: z.uuid(),
  fromSeq: z.number().int().min(0),
  toSeq: z.number().int().min(1),
});
export type SendChunkJob = z.infer<typeof sendChunkJob>;

export const reportIngestJob = z.object({ callbackId: z.uuid() });
export type ReportIngestJob = z.infer<typeof reportIngestJob>;

export const broadcastScheduleJob = z.object({
  clientId: z.uuid(),
  broadcastId: z.uuid(),
});
export type BroadcastScheduleJob = z.infer<typeof broadcastScheduleJob>;

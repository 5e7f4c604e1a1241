import type { Job } from "pg-boss";
import { sweepRateLimits } from "../domain/rate-limit.ts";
import type { Platform } from "../platform.ts";
import { startScheduledBroadcast } from "./broadcast-schedule.ts";
import { type BroadcastScheduleJob, queues } from "./queues.ts";
import { drainInbox } from "./report-ingest.ts";
import { sendChunk } from "./send-chunk.ts";
import { emailSender } from "./send-email.ts";
import { smsSender } from "./send-sms.ts";
import { whatsappSender } from "./send-whatsapp.ts";
import { startSendLoop } from "./send-worker.ts";
import { startWebhookWorker } from "./webhook-deliver.ts";

/**
 * Workers wake on NOTIFY for new jobs, but a deferred job (a retry, a scheduled broadcast)
 * sends no notification when its time comes, so every worker also polls each second.
 */
const polling = { pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 };

/** Starts every worker of this process. Each queue's retry policy lives in `ensureQueues`. */
export async function startWorkers(platform: Platform): Promise<void> {
  const { boss } = platform;

  const sendEmail = emailSender(platform);
  const loops = [
    startSendLoop(platform, queues.sendSms, (job) => sendChunk(platform, job, smsSender(platform))),
    startSendLoop(platform, queues.sendWhatsapp, (job) =>
      sendChunk(platform, job, whatsappSender(platform)),
    ),
    startSendLoop(platform, queues.sendEmail, (job) => sendChunk(platform, job, sendEmail)),
  ];
  platform.closers.push(async () => {
    await Promise.all(loops.map((loop) => loop.stop()));
  });

  await boss.work(queues.reportIngest, polling, async () => {
    await drainInbox(platform);
  });

  await boss.work<BroadcastScheduleJob>(
    queues.broadcastSchedule,
    polling,
    async ([job]: Job<BroadcastScheduleJob>[]) => {
      if (job) await startScheduledBroadcast(platform, job.data);
    },
  );

  await startWebhookWorker(platform);

  await boss.schedule(queues.maintenanceSweep, "* * * * *");
  await boss.work(queues.maintenanceSweep, async () => {
    await sweepRateLimits(platform.database.db);
    // Callbacks stored by a process that died before waking the report worker.
    await drainInbox(platform);
  });
}

import type { Job, JobWithMetadata } from "pg-boss";
import { sweepRateLimits } from "../domain/rate-limit.ts";
import type { Platform } from "../platform.ts";
import { startScheduledBroadcast } from "./broadcast-schedule.ts";
import { type BroadcastScheduleJob, queues, type SendChunkJob } from "./queues.ts";
import { drainInbox } from "./report-ingest.ts";
import { sendChunk } from "./send-chunk.ts";
import { emailSender } from "./send-email.ts";
import { smsSender } from "./send-sms.ts";
import { whatsappSender } from "./send-whatsapp.ts";
import { runChunks, sendWorkOptions } from "./send-worker.ts";
import { startWebhookWorker } from "./webhook-deliver.ts";

/**
 * Workers wake on NOTIFY for new jobs, but a deferred job (a retry, a scheduled broadcast)
 * sends no notification when its time comes, so every worker also polls each second.
 */
const polling = { pollingIntervalSeconds: 1, notifyPollingIntervalSeconds: 1 };

/** Starts every worker of this process. Each queue's retry policy lives in `ensureQueues`. */
export async function startWorkers(platform: Platform): Promise<void> {
  const { boss, config } = platform;

  await boss.work(
    queues.sendSms,
    sendWorkOptions(config),
    async (jobs: JobWithMetadata<SendChunkJob>[]) =>
      await runChunks(jobs, platform.logger, (job) =>
        sendChunk(platform, job, smsSender(platform)),
      ),
  );

  await boss.work(
    queues.sendWhatsapp,
    sendWorkOptions(config),
    async (jobs: JobWithMetadata<SendChunkJob>[]) =>
      await runChunks(jobs, platform.logger, (job) =>
        sendChunk(platform, job, whatsappSender(platform)),
      ),
  );

  const sendEmail = emailSender(platform);
  await boss.work(
    queues.sendEmail,
    sendWorkOptions(config),
    async (jobs: JobWithMetadata<SendChunkJob>[]) =>
      await runChunks(jobs, platform.logger, (job) => sendChunk(platform, job, sendEmail)),
  );

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

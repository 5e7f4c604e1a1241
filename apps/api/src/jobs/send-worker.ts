import { setTimeout as sleep } from "node:timers/promises";
import type { JobWithMetadata } from "pg-boss";
import type { Platform } from "../platform.ts";
import type { QueueName, SendChunkJob } from "./queues.ts";
import { RetryLater } from "./send-chunk.ts";

/** Longest pause between fetches of an idle lane; a busy lane fetches again at once. */
const idlePauseMaxMs = 1000;

export interface SendLoop {
  stop(): Promise<void>;
}

/**
 * Runs a send queue with `SEND_JOBS_PER_WORKER` lanes, each fetching one chunk, sending
 * it, settling it with pg-boss and fetching the next at once. pg-boss's own worker waits a
 * polling interval whenever a fetch comes back short, which the per-client group limit
 * makes common, and left the provider idle between chunks. An idle lane backs off up to a
 * second, so a quiet worker costs a few queries a second.
 */
export function startSendLoop(
  platform: Platform,
  queue: QueueName,
  run: (job: JobWithMetadata<SendChunkJob>) => Promise<void>,
): SendLoop {
  const { boss, config, logger } = platform;
  let stopping = false;

  async function lane(): Promise<void> {
    let pause = 50;
    while (!stopping) {
      let jobs: JobWithMetadata<SendChunkJob>[] = [];
      try {
        jobs = await boss.fetch<SendChunkJob>(queue, {
          batchSize: 1,
          includeMetadata: true,
          groupConcurrency: config.SEND_JOBS_PER_CLIENT,
        });
      } catch (error) {
        if (!stopping) logger.warn({ err: error, queue }, "could not fetch send jobs");
      }
      const [job] = jobs;
      if (!job) {
        await sleep(pause);
        pause = Math.min(idlePauseMaxMs, pause * 2);
        continue;
      }
      pause = 50;
      await settle(job);
    }
  }

  async function settle(job: JobWithMetadata<SendChunkJob>): Promise<void> {
    try {
      await run(job);
      await boss.complete(queue, job.id);
    } catch (error) {
      if (!(error instanceof RetryLater)) {
        logger.error({ err: error, jobId: job.id, queue }, "send chunk failed");
      }
      const message = error instanceof Error ? error.message : String(error);
      await boss.fail(queue, job.id, { message }).catch((failure: unknown) => {
        // The job expires and is retried by pg-boss's supervisor instead.
        logger.warn({ err: failure, jobId: job.id, queue }, "could not mark send job failed");
      });
    }
  }

  const lanes = Array.from({ length: config.SEND_JOBS_PER_WORKER }, () => lane());
  return {
    stop: async () => {
      stopping = true;
      await Promise.allSettled(lanes);
    },
  };
}

import type { JobResult, JobWithMetadata } from "pg-boss";
import type { Config } from "../env.ts";
import type { Logger } from "../logger.ts";
import { RetryLater } from "./send-chunk.ts";

/** How many chunks one worker slot takes per fetch. */
const chunksPerFetch = 2;

/**
 * Options shared by the send queues. pg-boss waits a whole polling interval after every
 * fetch unless the fetch came back full, so a worker that took one chunk at a time drained
 * a backlog of small broadcasts at one chunk per second per slot. Taking small batches and
 * fetching again at once while they come back full keeps the slots busy; the per-client
 * group limit still applies to every job in a batch.
 */
export function sendWorkOptions(config: Config) {
  return {
    includeMetadata: true as const,
    perJobResults: true as const,
    batchSize: chunksPerFetch,
    burstWhenBatchFull: true,
    // SEND_JOBS_PER_WORKER stays the number of chunks one process works on at once.
    localConcurrency: Math.max(1, Math.ceil(config.SEND_JOBS_PER_WORKER / chunksPerFetch)),
    groupConcurrency: config.SEND_JOBS_PER_CLIENT,
    pollingIntervalSeconds: 1,
    notifyPollingIntervalSeconds: 1,
  };
}

/**
 * Runs each chunk of a batch on its own and reports each outcome, so one chunk that asks
 * for a retry does not make pg-boss run the others again.
 */
export async function runChunks<T>(
  jobs: JobWithMetadata<T>[],
  logger: Logger,
  run: (job: JobWithMetadata<T>) => Promise<void>,
): Promise<JobResult[]> {
  return await Promise.all(
    jobs.map(async (job): Promise<JobResult> => {
      try {
        await run(job);
        return { id: job.id, status: "completed" };
      } catch (error) {
        if (!(error instanceof RetryLater)) {
          logger.error({ err: error, jobId: job.id, queue: job.name }, "send chunk failed");
        }
        const message = error instanceof Error ? error.message : String(error);
        return { id: job.id, status: "failed", output: { message } };
      }
    }),
  );
}

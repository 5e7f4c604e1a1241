import { sql } from "drizzle-orm";
import { parseElfoReport } from "../channels/elfo-reports.ts";
import { speaksForLiveMessages } from "../channels/email-providers.ts";
import { parseMetaStatuses } from "../channels/meta-statuses.ts";
import { parseSesNotification } from "../channels/ses-notifications.ts";
import { applySesFeedback } from "../domain/email/feedback.ts";
import {
  type CallbackProvider,
  createInboxWriter,
  type StoreCallback,
} from "../domain/messages/inbox.ts";
import { applyStatusReports, type StatusReport } from "../domain/messages/reports.ts";
import { queryRows } from "../domain/sql.ts";
import type { Platform } from "../platform.ts";
import { queues } from "./queues.ts";

const batchSize = 500;
/** A report for a message not yet recorded as sent is retried for about an hour. */
const maxAttempts = 15;

export const reportParsers: Record<CallbackProvider, (payload: unknown) => StatusReport[]> = {
  elfo: parseElfoReport,
  meta: parseMetaStatuses,
  ses: parseSesNotification,
};

interface InboxRow {
  id: string;
  provider: CallbackProvider;
  payload: unknown;
  attempts: number;
}

/**
 * Applies stored callbacks in batches until none is ready. Rows are claimed with SKIP
 * LOCKED, so any number of workers can drain the inbox together.
 */
export async function drainInbox(platform: Platform): Promise<number> {
  let total = 0;
  for (;;) {
    const count = await platform.database.transaction(async ({ tx }) => {
      const rows = await queryRows<InboxRow>(
        tx,
        sql`SELECT id, provider, payload, attempts FROM inbound_callbacks
          WHERE processed_at IS NULL AND available_at <= now()
          ORDER BY available_at LIMIT ${batchSize} FOR UPDATE SKIP LOCKED`,
      );
      if (rows.length === 0) return 0;

      const trust = platform.providers.email.notifications;
      const sandboxOnly = new Set(
        rows.filter((row) => row.provider === "ses" && !speaksForLiveMessages(row.payload, trust)),
      );
      const reportsByRow = rows.map((row) => {
        const reports = reportParsers[row.provider](row.payload);
        if (!sandboxOnly.has(row)) return reports;
        return reports.map((report) => ({ ...report, sandboxOnly: true }));
      });
      const result = await applyStatusReports(tx, reportsByRow.flat());
      const ses = rows.filter((row) => row.provider === "ses");
      await applySesFeedback(
        tx,
        ses.filter((row) => !sandboxOnly.has(row)).map((row) => row.payload),
      );
      await applySesFeedback(
        tx,
        ses.filter((row) => sandboxOnly.has(row)).map((row) => row.payload),
        { sandboxOnly: true },
      );
      const unknownIds = new Set(
        result.unknown.map((report) => `${report.channel}:${report.providerMessageId}`),
      );
      const waiting = rows.filter((_row, index) =>
        (reportsByRow[index] ?? []).some((report) =>
          unknownIds.has(`${report.channel}:${report.providerMessageId}`),
        ),
      );
      const retry = waiting.filter((row) => row.attempts + 1 < maxAttempts);
      const retryIds = new Set(retry.map((row) => row.id));

      await tx.execute(sql`
        UPDATE inbound_callbacks SET
          processed_at = CASE WHEN id = ANY(${sql.param([...retryIds])}::uuid[]) THEN NULL
            ELSE now() END,
          outcome = CASE WHEN id = ANY(${sql.param([...retryIds])}::uuid[]) THEN 'waiting'
            WHEN id = ANY(${sql.param(waiting.map((row) => row.id))}::uuid[]) THEN 'unknown message'
            ELSE 'applied' END,
          attempts = attempts + 1,
          available_at = now()
            + least(interval '5 minutes', interval '1 second' * power(2, attempts))
        WHERE id = ANY(${sql.param(rows.map((row) => row.id))}::uuid[])`);
      return rows.length;
    });
    total += count;
    if (count < batchSize) {
      await wakeWhenNextDue(platform);
      return total;
    }
  }
}

/**
 * Wakes the report worker when the earliest waiting callback is due again. Each callback
 * waits on its own growing backoff; a wake-up after a fixed delay finds nothing ready once
 * the backoff outgrows it, which left the callback to the once-a-minute sweep.
 */
async function wakeWhenNextDue(platform: Platform): Promise<void> {
  const [next] = await queryRows<{ seconds: string | null }>(
    platform.database.db,
    sql`SELECT ceil(extract(epoch FROM min(available_at) - now())) AS seconds
      FROM inbound_callbacks WHERE processed_at IS NULL`,
  );
  if (next?.seconds === null || next?.seconds === undefined) return;
  await platform.boss.send(
    queues.reportIngest,
    {},
    {
      startAfter: Math.max(1, Number(next.seconds)),
      singletonKey: "retry",
      singletonSeconds: 1,
      singletonNextSlot: true,
    },
  );
}

/** Stores verified callbacks and wakes the report worker once they are committed. */
export function createCallbackInbox(platform: Platform): StoreCallback {
  const write = createInboxWriter(platform.database.db);
  const wake = createInboxNotifier(platform);
  return async (provider, payload, notificationId) => {
    await write(provider, payload, notificationId);
    wake();
  };
}

/**
 * Wakes the report worker after callbacks are stored. Many callbacks arriving together
 * share one wake-up; a process that dies before sending it is covered by the
 * once-a-minute sweep, so no stored callback waits for ever.
 */
function createInboxNotifier(platform: Platform) {
  let timer: NodeJS.Timeout | undefined;
  return function poke(): void {
    if (timer) return;
    timer = setTimeout(() => {
      timer = undefined;
      platform.boss
        .send(
          queues.reportIngest,
          {},
          { singletonKey: "inbox", singletonSeconds: 1, singletonNextSlot: true },
        )
        .catch((error: unknown) =>
          platform.logger.warn({ err: error }, "could not wake report worker"),
        );
    }, 20);
  };
}

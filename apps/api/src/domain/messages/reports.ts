import type { Executor } from "@teekrr/db";
import type { Channel, MessageStatus } from "@teekrr/shared";
import { predecessorsOf, statusRank } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { queryRows } from "../sql.ts";
import { queueReportEvents } from "../webhooks/events.ts";
import { type LockedMessage, lockMessagesByProviderId, rowsParam } from "./locking.ts";
import { recordEvents } from "./outcomes.ts";
import {
  isGuarded,
  loadBroadcastOrigins,
  originAllows,
  type ReportOriginGuard,
} from "./report-origins.ts";

/**
 * One provider statement about one message, whatever its wire format. Its origin guard,
 * when set, confines it to the messages whoever vouched for it may speak for.
 */
export interface StatusReport extends ReportOriginGuard {
  channel: Channel;
  providerMessageId: string;
  status: MessageStatus;
  errorCode?: string;
  errorMessage?: string;
  /** Extra provider detail kept in the message's history. */
  detail?: Record<string, unknown>;
  /** When set, the report applies only if the message went to this address. */
  recipient?: string;
}

export interface AppliedReport {
  messageId: string;
  clientId: string;
  broadcastId: string;
  channel: Channel;
  recipient: string;
  status: MessageStatus;
  report: StatusReport;
}

export interface ReportResult {
  applied: AppliedReport[];
  /** Reports naming a provider id we have not recorded yet; the send may still be landing. */
  unknown: StatusReport[];
}

/**
 * Applies reports in lifecycle order with one guarded update per target status. The
 * guard (the message must be in a status that precedes the target) is what makes a
 * repeated, late or reordered report a no-op instead of a step backwards.
 */
export async function applyStatusReports(
  db: Executor,
  reports: StatusReport[],
): Promise<ReportResult> {
  if (reports.length === 0) return { applied: [], unknown: [] };
  const byKey = new Map(
    reports.map((report) => [`${report.channel}:${report.providerMessageId}`, report]),
  );
  // Locked so that the updates below can address each message by its row.
  const found = await lockMessagesByProviderId(db, [...byKey.values()]);
  const byProviderId = new Map(
    found.map((row) => [`${row.channel}:${row.provider_message_id}`, row]),
  );
  const origins = await loadBroadcastOrigins(
    db,
    reports.flatMap((report) => {
      const row = byProviderId.get(`${report.channel}:${report.providerMessageId}`);
      return row && isGuarded(report)
        ? [{ clientId: row.client_id, broadcastId: row.broadcast_id }]
        : [];
    }),
  );

  const unknown: StatusReport[] = [];
  const byTarget = new Map<string, { row: LockedMessage; report: StatusReport }[]>();
  const addToTarget = (row: LockedMessage, report: StatusReport) => {
    const key = `${report.channel}:${report.status}`;
    const group = byTarget.get(key) ?? [];
    group.push({ row, report });
    byTarget.set(key, group);
  };
  const implied: { row: LockedMessage; report: StatusReport }[] = [];
  for (const report of reports) {
    const row = byProviderId.get(`${report.channel}:${report.providerMessageId}`);
    if (!row) {
      unknown.push(report);
      continue;
    }
    if (report.recipient && report.recipient.toLowerCase() !== row.recipient.toLowerCase()) {
      continue;
    }
    if (!originAllows(report, origins.get(row.broadcast_id))) continue;
    addToTarget(row, report);
    if (report.status === "read") implied.push({ row, report: deliveryImpliedBy(report) });
  }
  // A delivery the provider reported itself, in the same batch, keeps its own detail.
  for (const { row, report } of implied) {
    const reported = byTarget.get(`${report.channel}:delivered`) ?? [];
    if (!reported.some((entry) => entry.row.id === row.id)) addToTarget(row, report);
  }

  const applied: AppliedReport[] = [];
  const targets = [...byTarget.entries()].sort(
    ([a], [b]) =>
      statusRank[a.split(":")[1] as MessageStatus] - statusRank[b.split(":")[1] as MessageStatus],
  );
  for (const [, group] of targets) {
    applied.push(...(await applyToStatus(db, group)));
  }
  await queueReportEvents(db, applied);
  return { applied, unknown };
}

/**
 * A read message was delivered, whether or not the provider says so first. Applied just
 * before the `read` (targets go in lifecycle order), it records `delivered` in the same
 * transaction and queues its event, so a subscriber to `delivered` hears of every
 * delivered message; a message already delivered, read or failed ignores it.
 */
function deliveryImpliedBy(read: StatusReport): StatusReport {
  return { ...read, status: "delivered", detail: { ...read.detail, impliedBy: "read" } };
}

async function applyToStatus(
  db: Executor,
  group: { row: LockedMessage; report: StatusReport }[],
): Promise<AppliedReport[]> {
  const first = group[0];
  if (!first) return [];
  const { channel, status } = first.report;
  const moveFrom = predecessorsOf(channel, status);
  const unique = new Map(group.map((entry) => [entry.row.id, entry]));
  const entries = [...unique.values()];

  const changed = await queryRows<{ id: string; row: string }>(
    db,
    sql`
    UPDATE messages m SET status = ${status},
      error_code = coalesce(input.code, m.error_code),
      error_message = coalesce(input.message, m.error_message),
      updated_at = now()
    FROM unnest(${rowsParam(entries.map((e) => e.row))},
      ${sql.param(entries.map((e) => e.report.errorCode ?? null))}::text[],
      ${sql.param(entries.map((e) => e.report.errorMessage ?? null))}::text[])
      AS input(row, code, message)
    WHERE m.ctid = input.row AND m.status = ANY(${sql.param(moveFrom)}::text[])
    RETURNING m.id, m.ctid::text AS row`,
  );
  // The update gave each changed message a new row version; a later report in this batch
  // (say `delivered` after `send`) must address that one.
  const newRows = new Map(changed.map((row) => [row.id, row.row]));
  for (const entry of entries) {
    const row = newRows.get(entry.row.id);
    if (row) entry.row.row = row;
  }

  const changedIds = new Set(changed.map((row) => row.id));
  const appliedEntries = entries.filter((entry) => changedIds.has(entry.row.id));
  const byClient = new Map<string, typeof appliedEntries>();
  for (const entry of appliedEntries) {
    const list = byClient.get(entry.row.client_id) ?? [];
    list.push(entry);
    byClient.set(entry.row.client_id, list);
  }
  for (const [clientId, list] of byClient) {
    await recordEvents(
      db,
      clientId,
      list.map((entry) => entry.row.id),
      status,
      list.map((entry) => ({
        messageId: entry.row.id,
        providerMessageId: entry.report.providerMessageId,
        ...(entry.report.errorCode ? { code: entry.report.errorCode } : {}),
        ...(entry.report.errorMessage ? { message: entry.report.errorMessage } : {}),
        ...entry.report.detail,
      })),
    );
  }

  return appliedEntries.map((entry) => ({
    messageId: entry.row.id,
    clientId: entry.row.client_id,
    broadcastId: entry.row.broadcast_id,
    channel: entry.row.channel,
    recipient: entry.row.recipient,
    status,
    report: entry.report,
  }));
}

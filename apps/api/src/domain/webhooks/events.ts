import type { Executor } from "@teekrr/db";
import type { Channel, WebhookEvent } from "@teekrr/shared";
import { sql } from "drizzle-orm";
import type { AppliedReport } from "../messages/reports.ts";
import { queryRows } from "../sql.ts";

/** The channel the deliver workers listen on; Postgres sends it when the writer commits. */
export const deliveriesChannel = "teekrr_webhook_deliveries";

export interface MessageEvent {
  messageId: string;
  /** Event-specific fields added to `data`, such as `errorCode` or `amount`. */
  data?: Record<string, unknown> | undefined;
}

interface SubscribedEndpoint {
  id: string;
  events: string[];
}

interface MessageFacts {
  id: string;
  broadcast_id: string | null;
  channel: Channel;
  recipient: string;
  livemode: boolean;
}

/** The body exactly as posted; `livemode` appears only for sandbox traffic. */
export function eventBody(
  event: string,
  data: Record<string, unknown>,
  livemode: boolean,
  at = new Date(),
): string {
  return JSON.stringify({
    event,
    timestamp: at.toISOString(),
    ...(livemode ? {} : { livemode: false }),
    data,
  });
}

/**
 * Queues one delivery per message and subscribed endpoint, in the caller's transaction,
 * so an event exists exactly when the status change that caused it commits. A client with
 * no active endpoint for the event costs one indexed query and nothing else.
 */
export async function queueWebhookEvents(
  db: Executor,
  clientId: string,
  event: WebhookEvent,
  events: MessageEvent[],
): Promise<number> {
  if (events.length === 0) return 0;
  const endpoints = await queryRows<SubscribedEndpoint>(
    db,
    sql`SELECT id, events FROM webhook_endpoints
      WHERE client_id = ${clientId} AND active AND ${event} = ANY(events)`,
  );
  if (endpoints.length === 0) return 0;

  const facts = await queryRows<MessageFacts>(
    db,
    // One primary-key probe per message: see `lockMessagesById` for why not `id = ANY(...)`.
    sql`SELECT m.id, m.broadcast_id, m.channel, m.recipient, coalesce(b.livemode, true) AS livemode
      FROM unnest(${sql.param(events.map((e) => e.messageId))}::uuid[]) AS input(id)
      CROSS JOIN LATERAL (SELECT id, broadcast_id, channel, recipient FROM messages
        WHERE client_id = ${clientId} AND id = input.id) m
      LEFT JOIN broadcasts b ON b.client_id = ${clientId} AND b.id = m.broadcast_id`,
  );
  const byId = new Map(facts.map((row) => [row.id, row]));
  const now = new Date();
  const endpointIds: string[] = [];
  const messageIds: string[] = [];
  const bodies: string[] = [];
  for (const item of events) {
    const message = byId.get(item.messageId);
    if (!message) continue;
    const body = eventBody(
      event,
      {
        channel: message.channel,
        messageUuid: message.id,
        broadcastUuid: message.broadcast_id,
        recipient: message.recipient,
        ...item.data,
      },
      message.livemode,
      now,
    );
    for (const endpoint of endpoints) {
      endpointIds.push(endpoint.id);
      messageIds.push(message.id);
      bodies.push(body);
    }
  }
  return (await insertDeliveries(db, clientId, event, endpointIds, messageIds, bodies)).length;
}

export async function insertDeliveries(
  db: Executor,
  clientId: string,
  event: string,
  endpointIds: string[],
  messageIds: (string | null)[],
  bodies: string[],
): Promise<string[]> {
  if (bodies.length === 0) return [];
  const rows = await queryRows<{ id: string }>(
    db,
    sql`
    INSERT INTO webhook_deliveries (client_id, endpoint_id, event, message_id, body)
    SELECT ${clientId}, input.endpoint_id, ${event}, input.message_id, input.body
    FROM unnest(${sql.param(endpointIds)}::uuid[], ${sql.param(messageIds)}::uuid[],
      ${sql.param(bodies)}::text[]) AS input(endpoint_id, message_id, body)
    RETURNING id`,
  );
  await db.execute(sql`SELECT pg_notify(${deliveriesChannel}, '')`);
  return rows.map((row) => row.id);
}

const reportEvents: Partial<Record<string, WebhookEvent>> = {
  delivered: "delivered",
  read: "read",
  failed: "failed",
  bounced: "bounced",
};

function reportData(report: AppliedReport): Record<string, unknown> {
  if (report.status === "failed") {
    return {
      errorCode: report.report.errorCode ?? null,
      errorMessage: report.report.errorMessage ?? null,
    };
  }
  if (report.status === "bounced") {
    const detail = report.report.detail ?? {};
    return {
      email: report.recipient,
      bounceType: detail.bounceType === "Transient" ? "Transient" : "Permanent",
      bounceSubType: typeof detail.bounceSubType === "string" ? detail.bounceSubType : null,
    };
  }
  return {};
}

/** Queues the events of provider reports that changed a message, grouped per client. */
export async function queueReportEvents(db: Executor, applied: AppliedReport[]): Promise<void> {
  const groups = new Map<
    string,
    { clientId: string; event: WebhookEvent; items: MessageEvent[] }
  >();
  for (const report of applied) {
    const event = reportEvents[report.status];
    if (!event) continue;
    const key = `${report.clientId}:${event}`;
    const group = groups.get(key) ?? { clientId: report.clientId, event, items: [] };
    group.items.push({ messageId: report.messageId, data: reportData(report) });
    groups.set(key, group);
  }
  for (const group of groups.values()) {
    await queueWebhookEvents(db, group.clientId, group.event, group.items);
  }
}

/**
 * `billed` for each newly settled message, and for each accepted free (sandbox) message;
 * `billing_state` is the state before acceptance.
 */
export function billedEvents(
  rows: { id: string; billing_state: string; price: number | string }[],
): MessageEvent[] {
  return rows
    .filter((row) => row.billing_state === "reserved" || row.billing_state === "free")
    .map((row) => ({
      messageId: row.id,
      data: { amount: row.billing_state === "reserved" ? Number(row.price) : 0, currency: "MYR" },
    }));
}

export function failedEvents(
  ids: string[],
  failures: { messageId: string; code: string; message: string }[],
): MessageEvent[] {
  const reasons = new Map(failures.map((failure) => [failure.messageId, failure]));
  return ids.map((id) => ({
    messageId: id,
    data: {
      errorCode: reasons.get(id)?.code ?? null,
      errorMessage: reasons.get(id)?.message ?? null,
    },
  }));
}

import { randomUUID } from "node:crypto";
import type { Executor } from "@teekrr/db";
import {
  AppError,
  type Channel,
  type WebhookDeliveryView,
  type WebhookEvent,
} from "@teekrr/shared";
import { sql } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit.ts";
import { isUuid } from "../broadcasts/read.ts";
import { decodeTimeCursor, encodeCursor } from "../cursor.ts";
import { isoTime, queryOne, queryRows } from "../sql.ts";
import { loadEndpoint } from "./endpoints.ts";
import { deliveriesChannel, eventBody, insertDeliveries } from "./events.ts";

interface DeliveryRow {
  id: string;
  endpoint_id: string;
  event: string;
  message_id: string | null;
  body: string;
  status: "pending" | "succeeded" | "failed";
  attempts: number;
  next_attempt_at: string;
  last_status_code: number | null;
  last_error: string | null;
  created_at: string;
  completed_at: string | null;
}

interface AttemptRow {
  delivery_id: string;
  attempt: number;
  attempted_at: string;
  status_code: number | null;
  latency_ms: number;
  response_excerpt: string | null;
  error: string | null;
}

const deliveryColumns = sql`id, endpoint_id, event, message_id, body, status, attempts,
  next_attempt_at, last_status_code, last_error, created_at, completed_at`;

function presentDelivery(row: DeliveryRow, attempts: AttemptRow[]): WebhookDeliveryView {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    event: row.event,
    messageUuid: row.message_id,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? isoTime(row.next_attempt_at) : null,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    createdAt: isoTime(row.created_at),
    completedAt: isoTime(row.completed_at),
    payload: JSON.parse(row.body) as unknown,
    attemptLog: attempts.map((attempt) => ({
      attempt: attempt.attempt,
      attemptedAt: isoTime(attempt.attempted_at),
      statusCode: attempt.status_code,
      latencyMs: attempt.latency_ms,
      responseExcerpt: attempt.response_excerpt,
      error: attempt.error,
    })),
  };
}

async function attemptsOf(db: Executor, clientId: string, deliveryIds: string[]) {
  const rows = await queryRows<AttemptRow>(
    db,
    sql`SELECT delivery_id, attempt, attempted_at, status_code, latency_ms, response_excerpt, error
      FROM webhook_attempts
      WHERE client_id = ${clientId} AND delivery_id = ANY(${sql.param(deliveryIds)}::uuid[])
      ORDER BY delivery_id, attempt`,
  );
  const grouped = new Map<string, AttemptRow[]>();
  for (const row of rows)
    grouped.set(row.delivery_id, [...(grouped.get(row.delivery_id) ?? []), row]);
  return grouped;
}

/** An endpoint's deliveries, newest first, each with its attempt log. */
export async function listWebhookDeliveries(
  db: Executor,
  clientId: string,
  endpointId: string,
  page: { limit: number; cursor?: string | undefined },
) {
  await loadEndpoint(db, clientId, endpointId);
  const after = page.cursor ? decodeTimeCursor(page.cursor) : null;
  const rows = await queryRows<DeliveryRow>(
    db,
    sql`SELECT ${deliveryColumns} FROM webhook_deliveries
      WHERE client_id = ${clientId} AND endpoint_id = ${endpointId}
        ${after ? sql`AND (created_at, id) < (${after.t}::timestamptz, ${after.id}::uuid)` : sql``}
      ORDER BY created_at DESC, id DESC LIMIT ${page.limit + 1}`,
  );
  const items = rows.slice(0, page.limit);
  const attempts = await attemptsOf(
    db,
    clientId,
    items.map((row) => row.id),
  );
  const last = items.at(-1);
  return {
    items: items.map((row) => presentDelivery(row, attempts.get(row.id) ?? [])),
    nextCursor:
      rows.length > page.limit && last
        ? encodeCursor({ t: isoTime(last.created_at), id: last.id })
        : null,
  };
}

export async function getWebhookDelivery(db: Executor, clientId: string, deliveryId: string) {
  if (!isUuid(deliveryId)) throw new AppError("not_found", "Webhook delivery not found");
  const row = await queryOne<DeliveryRow>(
    db,
    sql`SELECT ${deliveryColumns} FROM webhook_deliveries
      WHERE client_id = ${clientId} AND id = ${deliveryId}`,
  );
  if (!row) throw new AppError("not_found", "Webhook delivery not found");
  const attempts = await attemptsOf(db, clientId, [row.id]);
  return presentDelivery(row, attempts.get(row.id) ?? []);
}

/**
 * Sends a delivery again now, with the same body and `webhook-id`. A delivery that
 * already succeeded can be re-sent too; it gets a fresh set of scheduled retries.
 */
export async function retryWebhookDelivery(
  db: Executor,
  actor: Actor,
  clientId: string,
  deliveryId: string,
) {
  const before = await getWebhookDelivery(db, clientId, deliveryId);
  await loadEndpoint(db, clientId, before.endpointId);
  await db.execute(sql`
    UPDATE webhook_deliveries SET status = 'pending', next_attempt_at = now(), completed_at = NULL,
      attempts = 0
    WHERE client_id = ${clientId} AND id = ${deliveryId}`);
  await db.execute(sql`SELECT pg_notify(${deliveriesChannel}, '')`);
  await recordAudit(db, actor, {
    clientId,
    action: "webhook_delivery.retry",
    targetType: "webhook_delivery",
    targetId: deliveryId,
    before: { status: before.status, attempts: before.attempts },
  });
  return await getWebhookDelivery(db, clientId, deliveryId);
}

/**
 * Queues a sample event for one endpoint, even a disabled one, so its owner can check
 * the receiver before turning it back on. It is marked `livemode: false`.
 */
export async function sendTestWebhook(
  db: Executor,
  actor: Actor,
  clientId: string,
  endpointId: string,
  event: WebhookEvent = "delivered",
) {
  await loadEndpoint(db, clientId, endpointId);
  const channel = sampleChannels[event];
  const data: Record<string, unknown> = {
    channel,
    messageUuid: randomUUID(),
    broadcastUuid: randomUUID(),
    recipient: channel === "email" ? "someone@example.com" : "+60123456789",
    ...sampleData[event],
  };
  const [deliveryId] = await insertDeliveries(
    db,
    clientId,
    event,
    [endpointId],
    [null],
    [eventBody(event, data, false)],
  );
  await recordAudit(db, actor, {
    clientId,
    action: "webhook_endpoint.test",
    targetType: "webhook_endpoint",
    targetId: endpointId,
    after: { event },
  });
  return await getWebhookDelivery(db, clientId, deliveryId ?? "");
}

/** Each sample comes from a channel with its event: bounces from email, reads from WhatsApp. */
const sampleChannels: Record<WebhookEvent, Channel> = {
  delivered: "sms",
  read: "whatsapp",
  failed: "sms",
  billed: "sms",
  bounced: "email",
};

const sampleData: Record<WebhookEvent, Record<string, unknown>> = {
  delivered: {},
  read: {},
  failed: { errorCode: "UNDELIV", errorMessage: "Handset unreachable" },
  billed: { amount: 5, currency: "MYR" },
  bounced: { email: "someone@example.com", bounceType: "Permanent", bounceSubType: "General" },
};

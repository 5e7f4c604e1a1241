import { type Executor, webhookEndpoints } from "@teekrr/db";
import {
  AppError,
  type CreateWebhookEndpointBody,
  defaultWebhookEvents,
  type UpdateWebhookEndpointBody,
  type WebhookEndpointView,
  type WebhookEvent,
} from "@teekrr/shared";
import { and, desc, eq } from "drizzle-orm";
import { type Actor, recordAudit } from "../audit.ts";
import { isUuid } from "../broadcasts/read.ts";
import { generateWebhookSecret, standardWebhooksSecret } from "./signing.ts";
import { vetWebhookUrl, type WebhookUrlPolicy } from "./url-policy.ts";

type EndpointRow = typeof webhookEndpoints.$inferSelect;

/** A client may register this many endpoints; each event is posted to every one of them. */
const maxEndpointsPerClient = 20;

export function presentEndpoint(row: EndpointRow): WebhookEndpointView {
  return {
    id: row.id,
    url: row.url,
    description: row.description,
    events: row.events as WebhookEvent[],
    active: row.active,
    disabledReason: row.disabledReason,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    failingSince: row.failingSince?.toISOString() ?? null,
    previousSecretExpiresAt:
      row.previousSecretExpiresAt && row.previousSecretExpiresAt > new Date()
        ? row.previousSecretExpiresAt.toISOString()
        : null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of an endpoint: never a secret or its hash. */
function auditView(row: EndpointRow) {
  const { secretHash: _, previousSecretHash: __, ...rest } = row;
  return rest;
}

function uniqueEvents(events: WebhookEvent[] | undefined): WebhookEvent[] {
  return [...new Set(events ?? defaultWebhookEvents)];
}

export async function loadEndpoint(
  db: Executor,
  clientId: string,
  endpointId: string,
): Promise<EndpointRow> {
  if (!isUuid(endpointId)) throw new AppError("not_found", "Webhook endpoint not found");
  const [row] = await db
    .select()
    .from(webhookEndpoints)
    .where(and(eq(webhookEndpoints.clientId, clientId), eq(webhookEndpoints.id, endpointId)));
  if (!row) throw new AppError("not_found", "Webhook endpoint not found");
  return row;
}

/** Registers an endpoint and returns its secret, which is shown this once. */
export async function createWebhookEndpoint(
  db: Executor,
  policy: WebhookUrlPolicy,
  actor: Actor,
  clientId: string,
  input: CreateWebhookEndpointBody,
) {
  const { url } = await vetWebhookUrl(input.url, policy);
  const existing = await db
    .select({ id: webhookEndpoints.id })
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.clientId, clientId));
  if (existing.length >= maxEndpointsPerClient) {
    throw new AppError("conflict", `At most ${maxEndpointsPerClient} webhook endpoints per client`);
  }

  const { secret, secretHash } = generateWebhookSecret();
  const [row] = await db
    .insert(webhookEndpoints)
    .values({
      clientId,
      url: url.toString(),
      description: input.description ?? null,
      events: uniqueEvents(input.events),
      secretHash,
    })
    .returning();
  if (!row) throw new Error("webhook endpoint insert returned nothing");
  await recordAudit(db, actor, {
    clientId,
    action: "webhook_endpoint.create",
    targetType: "webhook_endpoint",
    targetId: row.id,
    after: auditView(row),
  });
  return {
    ...presentEndpoint(row),
    secret,
    standardWebhooksSecret: standardWebhooksSecret(secretHash),
  };
}

export async function listWebhookEndpoints(db: Executor, clientId: string) {
  const rows = await db
    .select()
    .from(webhookEndpoints)
    .where(eq(webhookEndpoints.clientId, clientId))
    .orderBy(desc(webhookEndpoints.createdAt));
  return rows.map(presentEndpoint);
}

export async function getWebhookEndpoint(db: Executor, clientId: string, endpointId: string) {
  return presentEndpoint(await loadEndpoint(db, clientId, endpointId));
}

export async function updateWebhookEndpoint(
  db: Executor,
  policy: WebhookUrlPolicy,
  actor: Actor,
  clientId: string,
  endpointId: string,
  change: UpdateWebhookEndpointBody,
) {
  const before = await loadEndpoint(db, clientId, endpointId);
  const url = change.url !== undefined ? (await vetWebhookUrl(change.url, policy)).url : null;
  const reenabled = change.active === true && !before.active;

  const [after] = await db
    .update(webhookEndpoints)
    .set({
      ...(url ? { url: url.toString() } : {}),
      ...(change.events ? { events: uniqueEvents(change.events) } : {}),
      ...(change.description !== undefined ? { description: change.description } : {}),
      ...(change.active !== undefined ? { active: change.active } : {}),
      ...(change.active === false
        ? { disabledReason: "disabled by client", disabledAt: new Date() }
        : {}),
      ...(reenabled ? { disabledReason: null, disabledAt: null, failingSince: null } : {}),
      updatedAt: new Date(),
    })
    .where(and(eq(webhookEndpoints.clientId, clientId), eq(webhookEndpoints.id, endpointId)))
    .returning();
  if (!after) throw new AppError("not_found", "Webhook endpoint not found");
  await recordAudit(db, actor, {
    clientId,
    action: "webhook_endpoint.update",
    targetType: "webhook_endpoint",
    targetId: endpointId,
    before: auditView(before),
    after: auditView(after),
  });
  return presentEndpoint(after);
}

/** Deletes an endpoint; its pending deliveries then fail as having no endpoint. */
export async function deleteWebhookEndpoint(
  db: Executor,
  actor: Actor,
  clientId: string,
  endpointId: string,
): Promise<void> {
  const before = await loadEndpoint(db, clientId, endpointId);
  await db
    .delete(webhookEndpoints)
    .where(and(eq(webhookEndpoints.clientId, clientId), eq(webhookEndpoints.id, endpointId)));
  await recordAudit(db, actor, {
    clientId,
    action: "webhook_endpoint.delete",
    targetType: "webhook_endpoint",
    targetId: endpointId,
    before: auditView(before),
  });
}

/**
 * Issues a new secret. The previous one keeps signing (alongside the new one) until the
 * grace period ends, so receivers can switch without dropping an event.
 */
export async function rotateWebhookSecret(
  db: Executor,
  actor: Actor,
  clientId: string,
  endpointId: string,
  graceHours = 24,
) {
  const before = await loadEndpoint(db, clientId, endpointId);
  const { secret, secretHash } = generateWebhookSecret();
  const graceEnd = new Date(Date.now() + graceHours * 3600_000);
  const [after] = await db
    .update(webhookEndpoints)
    .set({
      secretHash,
      previousSecretHash: graceHours > 0 ? before.secretHash : null,
      previousSecretExpiresAt: graceHours > 0 ? graceEnd : null,
      updatedAt: new Date(),
    })
    .where(and(eq(webhookEndpoints.clientId, clientId), eq(webhookEndpoints.id, endpointId)))
    .returning();
  if (!after) throw new AppError("not_found", "Webhook endpoint not found");
  await recordAudit(db, actor, {
    clientId,
    action: "webhook_endpoint.rotate_secret",
    targetType: "webhook_endpoint",
    targetId: endpointId,
    after: { previousSecretExpiresAt: after.previousSecretExpiresAt },
  });
  return {
    ...presentEndpoint(after),
    secret,
    standardWebhooksSecret: standardWebhooksSecret(secretHash),
  };
}

/** The hashes that sign a delivery now, newest first. */
export function signingHashes(endpoint: {
  secretHash: string;
  previousSecretHash: string | null;
  previousSecretExpiresAt: Date | null;
}): string[] {
  const live =
    endpoint.previousSecretHash &&
    endpoint.previousSecretExpiresAt &&
    endpoint.previousSecretExpiresAt.getTime() > Date.now();
  return live && endpoint.previousSecretHash
    ? [endpoint.secretHash, endpoint.previousSecretHash]
    : [endpoint.secretHash];
}

import { sql } from "drizzle-orm";
import {
  boolean,
  index,
  integer,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, clientId, createdAt, id, updatedAt } from "./columns.ts";

export const webhookEventValues = ["delivered", "failed", "billed", "bounced", "read"] as const;

/**
 * Where a client wants its events posted. Only the SHA-256 of the secret is kept; both
 * signing keys derive from that hash. During a rotation the previous hash signs too until
 * `previous_secret_expires_at`.
 */
export const webhookEndpoints = pgTable(
  "webhook_endpoints",
  {
    clientId: clientId(),
    id: id(),
    url: text("url").notNull(),
    description: text("description"),
    events: text("events").array().notNull(),
    active: boolean("active").notNull().default(true),
    secretHash: text("secret_hash").notNull(),
    previousSecretHash: text("previous_secret_hash"),
    previousSecretExpiresAt: at("previous_secret_expires_at"),
    /** Start of the current run of failed attempts; cleared by any success. */
    failingSince: at("failing_since"),
    disabledReason: text("disabled_reason"),
    disabledAt: at("disabled_at"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.id] }),
    uniqueIndex("webhook_endpoints_id").on(table.id),
  ],
);

/**
 * One event for one endpoint. The body is stored as sent, so every retry carries the same
 * bytes and the same `webhook-id`. Pending rows double as the delivery outbox: they are
 * written in the transaction that changed the message, and the deliver worker claims the
 * due ones.
 */
export const webhookDeliveries = pgTable(
  "webhook_deliveries",
  {
    clientId: clientId(),
    id: id(),
    endpointId: uuid("endpoint_id").notNull(),
    event: text("event").notNull(),
    messageId: uuid("message_id"),
    body: text("body").notNull(),
    status: text("status", { enum: ["pending", "succeeded", "failed"] })
      .notNull()
      .default("pending"),
    attempts: smallint("attempts").notNull().default(0),
    nextAttemptAt: at("next_attempt_at").notNull().defaultNow(),
    lastStatusCode: integer("last_status_code"),
    lastError: text("last_error"),
    createdAt: createdAt(),
    completedAt: at("completed_at"),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.id] }),
    uniqueIndex("webhook_deliveries_id").on(table.id),
    index("webhook_deliveries_endpoint").on(table.clientId, table.endpointId, table.createdAt),
    index("webhook_deliveries_due").on(table.nextAttemptAt).where(sql`${table.status} = 'pending'`),
  ],
);

/** Every HTTP attempt of a delivery, for the delivery log. */
export const webhookAttempts = pgTable(
  "webhook_attempts",
  {
    clientId: clientId(),
    deliveryId: uuid("delivery_id").notNull(),
    attempt: smallint("attempt").notNull(),
    attemptedAt: at("attempted_at").notNull().defaultNow(),
    statusCode: integer("status_code"),
    latencyMs: integer("latency_ms").notNull(),
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
  },
  (table) => [primaryKey({ columns: [table.clientId, table.deliveryId, table.attempt] })],
);

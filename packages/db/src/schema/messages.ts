import { sql } from "drizzle-orm";
import {
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  smallint,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, clientId, createdAt, id } from "./columns.ts";

export const messageStatusValues = [
  "pending",
  "enqueued",
  "send",
  "sent",
  "delivered",
  "read",
  "failed",
  "bounced",
] as const;

/**
 * One recipient of one broadcast. `billing_state` is the message's share of the
 * broadcast's reservation: it leaves `reserved` exactly once, to `settled` or
 * `released`, through guarded updates, so nothing is ever charged or refunded twice.
 */
export const messages = pgTable(
  "messages",
  {
    clientId: clientId(),
    id: id(),
    broadcastId: uuid("broadcast_id").notNull(),
    /** Position in the broadcast; send jobs cover ranges of it. */
    seq: integer("seq").notNull(),
    channel: text("channel", { enum: ["sms", "whatsapp", "email"] }).notNull(),
    recipient: text("recipient").notNull(),
    /** Set only when this recipient's text differs from the broadcast's. */
    content: text("content"),
    variables: jsonb("variables").$type<Record<string, unknown>>(),
    segments: smallint("segments").notNull().default(1),
    price: integer("price").notNull(),
    status: text("status", { enum: messageStatusValues }).notNull().default("pending"),
    billingState: text("billing_state", { enum: ["reserved", "settled", "released", "free"] })
      .notNull()
      .default("reserved"),
    providerMessageId: text("provider_message_id"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    attempts: smallint("attempts").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: at("updated_at"),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.id] }),
    uniqueIndex("messages_broadcast_seq").on(table.broadcastId, table.seq),
    uniqueIndex("messages_provider_id")
      .on(table.channel, table.providerMessageId)
      .where(sql`${table.providerMessageId} IS NOT NULL`),
    check("messages_price_not_negative", sql`${table.price} >= 0`),
  ],
);

/** Every status a message reached, once each, with the provider's detail. */
export const messageEvents = pgTable(
  "message_events",
  {
    clientId: clientId(),
    messageId: uuid("message_id").notNull(),
    status: text("status", { enum: messageStatusValues }).notNull(),
    occurredAt: at("occurred_at").notNull().defaultNow(),
    detail: jsonb("detail").$type<Record<string, unknown>>(),
  },
  (table) => [primaryKey({ columns: [table.clientId, table.messageId, table.status] })],
);

/** Raw provider callbacks, stored before they are applied so none is lost. */
export const inboundCallbacks = pgTable(
  "inbound_callbacks",
  {
    id: id(),
    provider: text("provider").notNull(),
    payload: jsonb("payload").notNull(),
    /**
     * The provider's own id for the notification, where it has one (SNS `MessageId`). A
     * provider retries with the same id, so a second copy is not stored and applies nothing.
     */
    notificationId: text("notification_id"),
    receivedAt: createdAt(),
    processedAt: at("processed_at"),
    /** A report for a message whose send is not yet recorded waits and is tried again. */
    availableAt: at("available_at").notNull().defaultNow(),
    attempts: integer("attempts").notNull().default(0),
    outcome: text("outcome"),
  },
  (table) => [
    primaryKey({ columns: [table.id] }),
    index("inbound_callbacks_unprocessed")
      .on(table.availableAt)
      .where(sql`${table.processedAt} IS NULL`),
    uniqueIndex("inbound_callbacks_notification")
      .on(table.provider, table.notificationId)
      .where(sql`${table.notificationId} IS NOT NULL`),
  ],
);

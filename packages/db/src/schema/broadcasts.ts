import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
  uuid,
} from "drizzle-orm/pg-core";
import { at, clientId, createdAt, id, sen, updatedAt } from "./columns.ts";

export const broadcasts = pgTable(
  "broadcasts",
  {
    clientId: clientId(),
    id: id(),
    channel: text("channel", { enum: ["sms", "whatsapp", "email"] }).notNull(),
    campaignName: text("campaign_name").notNull(),
    type: text("type", { enum: ["quick broadcast", "schedule broadcast", "test"] }).notNull(),
    status: text("status", {
      enum: ["scheduled", "queued", "sending", "completed", "cancelled"],
    }).notNull(),
    scheduledAt: at("scheduled_at"),
    templateId: uuid("template_id"),
    keyword: text("keyword"),
    /** The rendered text shared by every message, when recipients carry no variables. */
    content: text("content"),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    livemode: boolean("livemode").notNull().default(true),
    apiKeyId: uuid("api_key_id"),
    recipientCount: integer("recipient_count").notNull(),
    chunkSize: integer("chunk_size").notNull(),
    reservedSen: sen("reserved_sen").notNull().default(0),
    settledSen: sen("settled_sen").notNull().default(0),
    releasedSen: sen("released_sen").notNull().default(0),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    completedAt: at("completed_at"),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.id] }),
    uniqueIndex("broadcasts_id").on(table.id),
    index("broadcasts_client_created").on(table.clientId, table.createdAt),
    check(
      "broadcasts_money_adds_up",
      sql`${table.settledSen} >= 0 AND ${table.releasedSen} >= 0
        AND ${table.settledSen} + ${table.releasedSen} <= ${table.reservedSen}`,
    ),
  ],
);

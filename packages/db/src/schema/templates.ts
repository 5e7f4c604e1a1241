import { jsonb, pgTable, primaryKey, text, uniqueIndex } from "drizzle-orm/pg-core";
import { clientId, createdAt, id, updatedAt } from "./columns.ts";

/**
 * Message templates of every channel. `content` is the SMS text or the email text body;
 * channel-specific parts (WhatsApp components, email subject and HTML) live in `details`.
 */
export const templates = pgTable(
  "templates",
  {
    clientId: clientId(),
    id: id(),
    channel: text("channel", { enum: ["sms", "whatsapp", "email"] }).notNull(),
    name: text("name").notNull(),
    content: text("content").notNull().default(""),
    details: jsonb("details").$type<Record<string, unknown>>().notNull().default({}),
    status: text("status", { enum: ["pending", "approved", "rejected"] })
      .notNull()
      .default("pending"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.id] }),
    uniqueIndex("templates_name").on(table.clientId, table.channel, table.name),
  ],
);

/** Registered SMS sender-ID prefixes. */
export const keywords = pgTable(
  "keywords",
  {
    clientId: clientId(),
    id: id(),
    keyword: text("keyword").notNull(),
    status: text("status", { enum: ["pending", "approved", "rejected"] })
      .notNull()
      .default("approved"),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.id] }),
    uniqueIndex("keywords_keyword").on(table.clientId, table.keyword),
  ],
);

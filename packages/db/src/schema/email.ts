import { boolean, index, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { clientId, createdAt, updatedAt } from "./columns.ts";

/**
 * The address a client's email broadcasts are sent from. Only a verified identity is used;
 * SES refuses mail from a domain or address it has not verified.
 */
export const emailSenders = pgTable(
  "email_senders",
  {
    clientId: clientId(),
    fromAddress: text("from_address").notNull(),
    displayName: text("display_name"),
    verified: boolean("verified").notNull().default(false),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [primaryKey({ columns: [table.clientId] })],
);

export const suppressionReasons = ["bounce", "complaint", "manual"] as const;

/** Addresses a client's broadcasts skip: hard bounces, complaints, and manual entries. */
export const suppressions = pgTable(
  "suppressions",
  {
    clientId: clientId(),
    /** Lowercased, as recipients are normalised. */
    address: text("address").notNull(),
    reason: text("reason", { enum: suppressionReasons }).notNull(),
    /** The message whose bounce or complaint added the address, if any. */
    messageId: uuid("message_id"),
    detail: text("detail"),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.address] }),
    index("suppressions_client_created").on(table.clientId, table.createdAt),
  ],
);

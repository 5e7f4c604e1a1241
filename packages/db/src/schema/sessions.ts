import { index, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns.ts";

/**
 * Console sign-ins. Only the SHA-256 of the bearer token is stored, so a copy of this
 * table cannot be replayed; sign-out sets `revoked_at` rather than deleting the row.
 */
export const sessions = pgTable(
  "sessions",
  {
    id: id(),
    userId: uuid("user_id").notNull(),
    tokenHash: text("token_hash").notNull(),
    expiresAt: at("expires_at").notNull(),
    revokedAt: at("revoked_at"),
    lastSeenAt: at("last_seen_at"),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.id] }),
    uniqueIndex("sessions_token_hash").on(table.tokenHash),
    index("sessions_user").on(table.userId),
  ],
);

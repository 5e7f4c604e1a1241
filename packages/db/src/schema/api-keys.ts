import { boolean, index, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, clientId, createdAt, id } from "./columns.ts";

/** Only the SHA-256 of a key is kept; the plaintext is shown once at creation. */
export const apiKeys = pgTable(
  "api_keys",
  {
    clientId: clientId(),
    id: id(),
    name: text("name").notNull(),
    keyHash: text("key_hash").notNull(),
    /** The first characters of the key, so people can tell their keys apart. */
    displayPrefix: text("display_prefix").notNull(),
    scopes: text("scopes").array().notNull(),
    ipAllowlist: text("ip_allowlist").array().notNull().default([]),
    test: boolean("test").notNull().default(false),
    expiresAt: at("expires_at"),
    revokedAt: at("revoked_at"),
    rotatedToId: uuid("rotated_to_id"),
    lastUsedAt: at("last_used_at"),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.id] }),
    uniqueIndex("api_keys_hash").on(table.keyHash),
    uniqueIndex("api_keys_id").on(table.id),
    index("api_keys_client").on(table.clientId, table.createdAt),
  ],
);

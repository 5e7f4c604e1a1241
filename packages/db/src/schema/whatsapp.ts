import { sql } from "drizzle-orm";
import {
  boolean,
  check,
  customType,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uniqueIndex,
} from "drizzle-orm/pg-core";
import { clientId, createdAt, updatedAt } from "./columns.ts";

/**
 * A client's WhatsApp sender: its own Business number, or permission to use the
 * platform's shared number. Tokens and app secrets are stored AES-256-GCM encrypted;
 * the verify token only proves webhook ownership to Meta and is kept readable.
 */
export const whatsappConfigs = pgTable(
  "whatsapp_configs",
  {
    clientId: clientId(),
    phoneNumberId: text("phone_number_id"),
    accessTokenEncrypted: text("access_token_encrypted"),
    appSecretEncrypted: text("app_secret_encrypted"),
    verifyToken: text("verify_token"),
    usePlatformDefault: boolean("use_platform_default").notNull().default(false),
    active: boolean("active").notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.clientId] }),
    uniqueIndex("whatsapp_configs_phone_number").on(table.phoneNumberId),
    index("whatsapp_configs_verify_token").on(table.verifyToken),
    check(
      "whatsapp_configs_number_has_token",
      sql`${table.phoneNumberId} IS NULL OR ${table.accessTokenEncrypted} IS NOT NULL`,
    ),
  ],
);

const bytea = customType<{ data: Buffer; driverData: Buffer }>({
  dataType: () => "bytea",
});

/** Uploaded header media, served publicly by an unguessable id so Meta can fetch it. */
export const mediaFiles = pgTable(
  "media_files",
  {
    clientId: clientId(),
    id: text("id").notNull(),
    contentType: text("content_type").notNull(),
    sizeBytes: integer("size_bytes").notNull(),
    data: bytea("data").notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.id] }),
    uniqueIndex("media_files_id").on(table.id),
  ],
);

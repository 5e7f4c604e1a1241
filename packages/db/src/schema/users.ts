import { sql } from "drizzle-orm";
import { check, pgTable, primaryKey, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import { at, createdAt, id } from "./columns.ts";

export const userRoles = [
  "owner",
  "operator",
  "developer",
  "finance",
  "staff_admin",
  "staff_finance",
] as const;

/** Console users. Client roles belong to one client; staff roles to none. */
export const users = pgTable(
  "users",
  {
    id: id(),
    clientId: uuid("client_id"),
    email: text("email").notNull(),
    passwordHash: text("password_hash").notNull(),
    role: text("role", { enum: userRoles }).notNull(),
    disabledAt: at("disabled_at"),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.id] }),
    uniqueIndex("users_email").on(sql`lower(${table.email})`),
    check(
      "users_role_matches_client",
      sql`(${table.role} LIKE 'staff_%') = (${table.clientId} IS NULL)`,
    ),
  ],
);

import {
  bigserial,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  uuid,
} from "drizzle-orm/pg-core";
import { at, createdAt } from "./columns.ts";

/** Fixed-window request counters, shared by every API process. */
export const rateLimitCounters = pgTable(
  "rate_limit_counters",
  {
    clientId: uuid("client_id").notNull(),
    bucket: text("bucket").notNull(),
    windowStart: at("window_start").notNull(),
    count: integer("count").notNull().default(0),
  },
  (table) => [primaryKey({ columns: [table.clientId, table.bucket, table.windowStart] })],
);

/** Every change a person made, with the state before and after. */
export const auditLog = pgTable(
  "audit_log",
  {
    id: bigserial("id", { mode: "number" }).notNull(),
    clientId: uuid("client_id"),
    actorUserId: uuid("actor_user_id"),
    actor: text("actor").notNull(),
    action: text("action").notNull(),
    targetType: text("target_type").notNull(),
    targetId: text("target_id"),
    before: jsonb("before"),
    after: jsonb("after"),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.id] }),
    index("audit_client_created").on(table.clientId, table.createdAt),
  ],
);

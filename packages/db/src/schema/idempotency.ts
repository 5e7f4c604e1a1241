import { integer, jsonb, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { clientId, createdAt } from "./columns.ts";

/**
 * Claimed `Idempotency-Key`s. A row is inserted before the request does anything; it
 * becomes `committed` in the same transaction as the request's writes, and `done` once
 * the response is stored for replay.
 */
export const idempotencyKeys = pgTable(
  "idempotency_keys",
  {
    clientId: clientId(),
    route: text("route").notNull(),
    key: text("key").notNull(),
    requestHash: text("request_hash").notNull(),
    state: text("state", { enum: ["in_flight", "committed", "done"] })
      .notNull()
      .default("in_flight"),
    responseStatus: integer("response_status"),
    responseBody: jsonb("response_body"),
    createdAt: createdAt(),
  },
  (table) => [primaryKey({ columns: [table.clientId, table.route, table.key] })],
);

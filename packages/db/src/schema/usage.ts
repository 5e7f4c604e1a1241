import { bigserial, index, integer, pgTable, primaryKey, text, uuid } from "drizzle-orm/pg-core";
import { clientId, createdAt } from "./columns.ts";

/** One row per authenticated API call, for the client's usage log. */
export const apiUsage = pgTable(
  "api_usage",
  {
    clientId: clientId(),
    id: bigserial("id", { mode: "number" }).notNull(),
    keyId: uuid("key_id"),
    method: text("method").notNull(),
    path: text("path").notNull(),
    status: integer("status").notNull(),
    latencyMs: integer("latency_ms").notNull(),
    requestId: text("request_id").notNull(),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.id] }),
    index("api_usage_client_created").on(table.clientId, table.createdAt),
  ],
);

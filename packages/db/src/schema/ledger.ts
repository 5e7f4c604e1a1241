import { sql } from "drizzle-orm";
import {
  bigserial,
  check,
  index,
  integer,
  pgTable,
  primaryKey,
  text,
  uuid,
} from "drizzle-orm/pg-core";
import { clientId, createdAt, sen } from "./columns.ts";

export const ledgerAccounts = ["external", "available", "reserved", "spent"] as const;
export const ledgerKinds = ["topup", "reservation", "settlement", "release", "adjustment"] as const;

/**
 * Append-only double-entry ledger: each row moves `amount` sen from one of a client's
 * accounts to another. `available` and `reserved` mirror the client's balance columns;
 * `spent` is what providers accepted; `external` is money outside the platform (a
 * top-up's source, or a postpaid client's invoice). A trigger refuses updates and deletes.
 */
export const ledgerEntries = pgTable(
  "ledger_entries",
  {
    clientId: clientId(),
    id: bigserial("id", { mode: "number" }).notNull(),
    kind: text("kind", { enum: ledgerKinds }).notNull(),
    debitAccount: text("debit_account", { enum: ledgerAccounts }).notNull(),
    creditAccount: text("credit_account", { enum: ledgerAccounts }).notNull(),
    amount: sen("amount").notNull(),
    broadcastId: uuid("broadcast_id"),
    messageCount: integer("message_count"),
    reason: text("reason"),
    actor: text("actor"),
    createdAt: createdAt(),
  },
  (table) => [
    primaryKey({ columns: [table.clientId, table.id] }),
    index("ledger_client_created").on(table.clientId, table.createdAt),
    check("ledger_amount_positive", sql`${table.amount} > 0`),
    check("ledger_accounts_differ", sql`${table.debitAccount} <> ${table.creditAccount}`),
  ],
);

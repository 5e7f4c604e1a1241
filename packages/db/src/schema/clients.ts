import { sql } from "drizzle-orm";
import { check, date, integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { createdAt, id, sen, updatedAt } from "./columns.ts";

/**
 * A tenant. The credit columns are kept in step with the ledger in the same transaction
 * as every ledger entry; the checks below are the last line of defence for the billing
 * invariants when application code is wrong.
 */
export const clients = pgTable(
  "clients",
  {
    id: id(),
    name: text("name").notNull(),
    billing: text("billing", { enum: ["prepaid", "postpaid"] }).notNull(),
    channels: text("channels").array().notNull().default(sql`'{sms}'`),
    creditBalance: sen("credit_balance").notNull().default(0),
    creditReserved: sen("credit_reserved").notNull().default(0),
    spendingCap: sen("spending_cap"),
    cycleAccrued: sen("cycle_accrued").notNull().default(0),
    cycleStart: date("cycle_start", { mode: "string" }).notNull().default(sql`CURRENT_DATE`),
    smsRate: integer("sms_rate").notNull().default(5),
    whatsappRate: integer("whatsapp_rate").notNull().default(20),
    emailRate: integer("email_rate").notNull().default(1),
    brand: text("brand"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (table) => [
    primaryKey({ columns: [table.id] }),
    check("clients_balance_not_negative", sql`${table.creditBalance} >= 0`),
    check("clients_reserved_not_negative", sql`${table.creditReserved} >= 0`),
    check("clients_accrued_not_negative", sql`${table.cycleAccrued} >= 0`),
    check(
      "clients_postpaid_has_cap",
      sql`${table.billing} = 'prepaid' OR ${table.spendingCap} IS NOT NULL`,
    ),
    check(
      "clients_rates_not_negative",
      sql`least(${table.smsRate}, ${table.whatsappRate}, ${table.emailRate}) >= 0`,
    ),
  ],
);

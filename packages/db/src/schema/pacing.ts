import { integer, pgTable, primaryKey, text } from "drizzle-orm/pg-core";
import { at } from "./columns.ts";

/**
 * Sends taken per pacing key per second of the database's clock, shared by every worker
 * process, so a provider's rate holds however many workers send. The key names what is
 * paced: `whatsapp:<phone number id>`, `ses:live`, `elfo:live` and so on. `last_grant` is
 * what the latest claim received, returned by the same statement that updates `used`.
 */
export const sendPacingWindows = pgTable(
  "send_pacing_windows",
  {
    account: text("account").notNull(),
    windowStart: at("window_start").notNull(),
    used: integer("used").notNull(),
    lastGrant: integer("last_grant").notNull(),
  },
  (table) => [primaryKey({ columns: [table.account, table.windowStart] })],
);

import { bigint, timestamp, uuid } from "drizzle-orm/pg-core";

/** Money is integer sen; bigint keeps sums of large broadcasts exact. */
export const sen = (name: string) => bigint(name, { mode: "number" });

export const createdAt = () =>
  timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

export const updatedAt = () =>
  timestamp("updated_at", { withTimezone: true, mode: "date" }).notNull().defaultNow();

export const at = (name: string) => timestamp(name, { withTimezone: true, mode: "date" });

export const clientId = () => uuid("client_id").notNull();

export const id = () => uuid("id").notNull().defaultRandom();

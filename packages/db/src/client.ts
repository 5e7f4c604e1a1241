import { drizzle } from "drizzle-orm/postgres-js";
import postgres from "postgres";
import * as schema from "./schema/index.ts";

export type Sql = postgres.Sql;
export type RawTransaction = postgres.TransactionSql;

export interface DatabaseOptions {
  max?: number;
  applicationName?: string;
}

function wrap(client: Sql) {
  return drizzle(client, { schema, casing: "snake_case" });
}

/**
 * Transactions get drizzle without the relational-query metadata: building it again for
 * every transaction cost more than the queries it served, and no code path uses
 * `tx.query` (the pool's `db.query` keeps it).
 */
function wrapTransaction(client: RawTransaction): Database {
  return drizzle(client as unknown as Sql, { casing: "snake_case" }) as unknown as Database;
}

export type Database = ReturnType<typeof wrap>;
/** The pool or an open transaction: domain functions accept either. */
export type Executor = Database;

export interface TransactionScope {
  /** Drizzle over the transaction, for typed queries and pg-boss's drizzle adapter. */
  tx: Database;
  /** The driver over the same transaction, for bulk work such as COPY and unnest inserts. */
  raw: RawTransaction;
}

/** Opens a pool; `db` is drizzle over it and `sql` is the raw driver for bulk work. */
export function connectDatabase(url: string, options: DatabaseOptions = {}) {
  const sql = postgres(url, {
    max: options.max ?? 10,
    onnotice: () => {},
    connection: {
      application_name: options.applicationName ?? "teekrr",
      // The hot paths fetch a few hundred rows by key from tables that live in memory or
      // on SSD. Postgres's default of 4 prices each such fetch as a disk seek, and on a
      // table of a few thousand pages it would rather read the whole table than fetch them.
      random_page_cost: "1.1",
    },
  });
  const db = wrap(sql);

  /** Runs `work` in one transaction; a throw rolls back every row and every job it enqueued. */
  async function transaction<T>(work: (scope: TransactionScope) => Promise<T>): Promise<T> {
    return (await sql.begin((raw) => {
      // Drizzle reads the driver's type options from the client it wraps; a transaction
      // handle has none of its own, so it borrows the pool's.
      const tx = wrapTransaction(Object.assign(raw, { options: sql.options }));
      return work({ tx, raw });
    })) as T;
  }

  return { db, sql, transaction, close: () => sql.end({ timeout: 5 }) };
}

export type DatabaseHandle = ReturnType<typeof connectDatabase>;

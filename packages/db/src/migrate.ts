import { fileURLToPath } from "node:url";
import { drizzle } from "drizzle-orm/postgres-js";
import { migrate } from "drizzle-orm/postgres-js/migrator";
import postgres from "postgres";

const migrationsFolder = fileURLToPath(new URL("../drizzle", import.meta.url));

/** Applies every committed migration not yet applied; safe to run from many processes. */
export async function runMigrations(url: string): Promise<void> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    // Two processes starting together must not both apply the same migration.
    await sql`SELECT pg_advisory_lock(7263511)`;
    await migrate(drizzle(sql), { migrationsFolder });
    await sql`SELECT pg_advisory_unlock(7263511)`;
  } finally {
    await sql.end({ timeout: 5 });
  }
}

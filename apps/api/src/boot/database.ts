import { join, resolve } from "node:path";
import { startEmbeddedPostgres } from "@teekrr/db";
import postgres from "postgres";
import type { Config } from "../env.ts";
import type { Logger } from "../logger.ts";

export interface DatabaseLocation {
  url: string;
  stop(): Promise<void>;
}

/** Creates `name` on the server at `adminUrl` unless it exists, and returns its URL. */
export async function ensureDatabase(adminUrl: string, name: string): Promise<string> {
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    const [found] = await admin`SELECT 1 FROM pg_database WHERE datname = ${name}`;
    if (!found) await admin.unsafe(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end({ timeout: 5 });
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * `DATABASE_URL` when set; otherwise a private PostgreSQL kept in the data folder, so a
 * fresh machine with only Node can run everything.
 */
export async function locateDatabase(config: Config, logger: Logger): Promise<DatabaseLocation> {
  if (config.DATABASE_URL) return { url: config.DATABASE_URL, stop: async () => {} };
  const dataDir = resolve(config.DATA_DIR, "postgres");
  logger.info({ dataDir }, "starting embedded postgres");
  const embedded = await startEmbeddedPostgres(dataDir);
  const url = await ensureDatabase(embedded.url, "teekrr");
  return { url, stop: embedded.stop };
}

export function dataPath(config: Config, ...parts: string[]): string {
  return join(resolve(config.DATA_DIR), ...parts);
}

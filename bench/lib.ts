import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { Database } from "@teekrr/db";
import { runMigrations, startEmbeddedPostgres } from "@teekrr/db";
import postgres from "postgres";
import { ensureDatabase } from "../apps/api/src/boot/database.ts";
import { cliActor } from "../apps/api/src/domain/audit.ts";
import { createSmsBroadcast } from "../apps/api/src/domain/broadcasts/create-sms.ts";
import { createClient } from "../apps/api/src/domain/clients.ts";
import { topUpCredit } from "../apps/api/src/domain/ledger.ts";
import { type Config, configFor } from "../apps/api/src/env.ts";
import type { Platform } from "../apps/api/src/platform.ts";

/**
 * A fresh, migrated database on BENCH_DATABASE_URL's server, or on an embedded Postgres
 * kept in .data/bench-postgres. Benchmarks never touch the development database.
 */
export async function benchDatabase(): Promise<{ url: string; stop(): Promise<void> }> {
  const adminUrl = process.env.BENCH_DATABASE_URL;
  const server = adminUrl
    ? { url: adminUrl, stop: async () => {} }
    : await startEmbeddedPostgres(resolve(".data/bench-postgres"));
  const url = await ensureDatabase(server.url, `teekrr_bench_${randomBytes(4).toString("hex")}`);
  await runMigrations(url);
  return {
    url,
    stop: async () => {
      const admin = postgres(server.url, { max: 1, onnotice: () => {} });
      await admin.unsafe(
        `DROP DATABASE IF EXISTS "${new URL(url).pathname.slice(1)}" WITH (FORCE)`,
      );
      await admin.end();
      await server.stop();
    },
  };
}

export function benchConfig(overrides: Partial<Record<keyof Config, string>>): Config {
  return configFor({
    NODE_ENV: "test",
    LOG_LEVEL: "warn",
    PORT: "0",
    DEMO_CLIENT: "false",
    MAX_RECIPIENTS: "100000",
    SEND_RATE_LIMIT: "100000",
    ...overrides,
  });
}

export async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const start = performance.now();
  const value = await work();
  return { ms: performance.now() - start, value };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/**
 * Malaysian mobile numbers 012-300 0000 upwards, in the local form people paste, skipping
 * the endings 9990-9999 that make the simulators fail or throttle on purpose.
 */
export function phoneNumbers(count: number, offset = 0): string[] {
  const numbers: string[] = [];
  for (let value = 3_000_000 + offset; numbers.length < count; value++) {
    if (value % 10_000 >= 9990) continue;
    const digits = String(value);
    numbers.push(`012-${digits.slice(0, 3)} ${digits.slice(3)}`);
  }
  return numbers;
}

export interface BenchRow {
  scenario: string;
  size: number;
  subjectMs: number;
  referenceMs: number;
  /** Subject's rate as a fraction of the reference's rate. */
  ratio: number;
  /** Absent on a row shown for context, such as the faster of two references. */
  goal?: number;
}

export async function report(name: string, rows: BenchRow[]): Promise<void> {
  const lines = rows.map(
    (row) =>
      `| ${[
        row.scenario,
        row.size.toLocaleString("en"),
        row.subjectMs.toFixed(0),
        row.referenceMs.toFixed(0),
        row.ratio.toFixed(2),
        row.goal ?? "-",
        row.goal === undefined ? "-" : row.ratio >= row.goal ? "met" : "not met",
      ].join(" | ")} |`,
  );
  const table = [
    "| scenario | size | teekrr ms | reference ms | ratio | goal | |",
    "| --- | ---: | ---: | ---: | ---: | ---: | --- |",
    ...lines,
  ].join("\n");
  process.stdout.write(`\n${name}\n${table}\n`);
  await mkdir("bench/results", { recursive: true });
  await writeFile(
    `bench/results/${name}.json`,
    JSON.stringify({ at: new Date().toISOString(), rows }, null, 2),
  );
}

/** A prepaid client with more credit than any scenario spends. */
export async function createBenchClient(db: Database): Promise<string> {
  const client = await createClient(db, cliActor, {
    name: "Bench",
    billing: "prepaid",
    channels: ["sms", "whatsapp", "email"],
  });
  await topUpCredit(db, client.id, 1_000_000_000, "bench");
  return client.id;
}

/** Commits an SMS broadcast of `size` recipients, as POST /sms would. */
export async function createBenchBroadcast(
  platform: Platform,
  clientId: string,
  size: number,
  text: string,
): Promise<void> {
  await createSmsBroadcast(
    platform,
    { clientId, apiKeyId: null, livemode: true },
    {
      campaignName: "bench",
      type: "quick broadcast",
      templateContent: text,
      recipients: phoneNumbers(size),
    },
  );
}

import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { runMigrations, startEmbeddedPostgres } from "@teekrr/db";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { configFor } from "../apps/api/src/env.ts";
import { createBoss, ensureQueues } from "../apps/api/src/jobs/boss.ts";

declare module "vitest" {
  export interface ProvidedContext {
    adminUrl: string;
    templateDatabase: string;
  }
}

/** Names the template after the migrations, so a changed schema gets a fresh template. */
function templateName(): string {
  const folder = resolve("packages/db/drizzle");
  const hash = createHash("sha256");
  for (const file of readdirSync(folder).sort()) {
    if (file.endsWith(".sql")) hash.update(readFileSync(join(folder, file)));
  }
  return `teekrr_template_${hash.digest("hex").slice(0, 12)}`;
}

/**
 * Starts one Postgres for the run (the embedded one unless TEST_DATABASE_URL is set) and
 * prepares a migrated template database with pg-boss's schema in it. Each test file then
 * clones the template, so files run in parallel without sharing any rows.
 */
export default async function setup(project: TestProject) {
  const embedded = process.env.TEST_DATABASE_URL
    ? null
    : await startEmbeddedPostgres(resolve(".data/test-postgres"));
  const adminUrl = process.env.TEST_DATABASE_URL ?? (embedded?.url as string);
  const template = templateName();

  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  // Test databases carry their creation time; leftovers of crashed runs go after a while,
  // without touching those of a run still going in parallel.
  const leftovers = await admin`SELECT datname FROM pg_database WHERE datname LIKE 'teekrr_test_%'`;
  for (const { datname } of leftovers) {
    const createdAt = Number(String(datname).split("_")[2]);
    if (Date.now() - createdAt > 2 * 3600_000) {
      await admin.unsafe(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
    }
  }
  // Parallel runs against one server build the template once.
  await admin`SELECT pg_advisory_lock(7263512)`;
  const [exists] = await admin`SELECT 1 FROM pg_database WHERE datname = ${template}`;
  if (!exists) {
    await admin.unsafe(`CREATE DATABASE "${template}"`);
    const url = new URL(adminUrl);
    url.pathname = `/${template}`;
    await runMigrations(url.toString());
    const boss = createBoss(url.toString(), configFor({}), 2);
    await boss.start();
    await ensureQueues(boss, configFor({}));
    await boss.stop({ graceful: false });
  }
  await admin`SELECT pg_advisory_unlock(7263512)`;
  await admin.end();

  project.provide("adminUrl", adminUrl);
  project.provide("templateDatabase", template);
  return async () => {
    await embedded?.stop();
  };
}

import { randomBytes } from "node:crypto";
import type { Database } from "@teekrr/db";
import postgres from "postgres";
import { inject } from "vitest";
import { type Runtime, startRuntime } from "../src/boot/runtime.ts";
import { type ApiScope, apiScopes, createApiKey } from "../src/domain/api-keys.ts";
import { cliActor } from "../src/domain/audit.ts";
import { createClient, type NewClient } from "../src/domain/clients.ts";
import { topUpCredit } from "../src/domain/ledger.ts";
import { type Config, configFor } from "../src/env.ts";
import { createLogger } from "../src/logger.ts";
import { type Conformance, loadConformance } from "./openapi-conformance.ts";

/** Clones the migrated template into a database of this test file's own. */
export async function createTestDatabase(): Promise<string> {
  const adminUrl = inject("adminUrl");
  const name = `teekrr_test_${Date.now()}_${randomBytes(4).toString("hex")}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  try {
    await admin.unsafe(`CREATE DATABASE "${name}" TEMPLATE "${inject("templateDatabase")}"`);
  } finally {
    await admin.end();
  }
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

export const testSettings: Partial<Record<keyof Config, string>> = {
  NODE_ENV: "test",
  PORT: "0",
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
  DATABASE_POOL_SIZE: "10",
  SEND_RATE_LIMIT: "1000",
  SIMULATOR_REPORT_DELAY_MS: "20",
  JOB_RETRY_DELAY_SECONDS: "1",
  DEMO_CLIENT: "false",
};

export interface TestPlatform {
  runtime: Runtime;
  url: string;
  databaseUrl: string;
  db: Database;
  config: Config;
  close(): Promise<void>;
}

/** Starts API, workers and simulators on a fresh database, as `npm start` would. */
export async function startTestPlatform(
  overrides: Partial<Record<keyof Config, string>> = {},
): Promise<TestPlatform> {
  const databaseUrl = await createTestDatabase();
  const config = configFor({ ...testSettings, ...overrides });
  const runtime = await startRuntime(config, createLogger(config), databaseUrl);
  return {
    runtime,
    url: runtime.url as string,
    databaseUrl,
    db: runtime.platform.database.db,
    config,
    close: () => runtime.close(),
  };
}

export interface TestClient {
  clientId: string;
  key: string;
  keyId: string;
}

/** A client with credit and a key holding every scope, unless told otherwise. */
export async function createTestClient(
  db: Database,
  options: Partial<NewClient> & { credit?: number; scopes?: ApiScope[]; test?: boolean } = {},
): Promise<TestClient> {
  const client = await createClient(db, cliActor, {
    name: options.name ?? `Client ${randomBytes(3).toString("hex")}`,
    billing: options.billing ?? "prepaid",
    spendingCap: options.spendingCap ?? null,
    channels: options.channels ?? ["sms", "whatsapp", "email"],
  });
  if ((options.billing ?? "prepaid") === "prepaid" && (options.credit ?? 100_000) > 0) {
    await topUpCredit(db, client.id, options.credit ?? 100_000, "test");
  }
  const { key, apiKey } = await createApiKey(db, {
    clientId: client.id,
    name: "test key",
    scopes: options.scopes ?? [...apiScopes],
    test: options.test ?? false,
  });
  return { clientId: client.id, key, keyId: apiKey.id };
}

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

const conformances = new Map<string, Promise<Conformance>>();

/** The OpenAPI document of the server at `baseUrl`, fetched on first use. */
function conformanceOf(baseUrl: string): Promise<Conformance> {
  let conformance = conformances.get(baseUrl);
  if (!conformance) {
    conformance = loadConformance(baseUrl);
    conformances.set(baseUrl, conformance);
    conformance.catch(() => conformances.delete(baseUrl));
  }
  return conformance;
}

/**
 * Calls the API like a client would, over HTTP, and fails when the response does not
 * conform to the server's OpenAPI document: the status must be documented for the
 * operation and the body must match its schema.
 */
export async function api<T = any>(
  baseUrl: string,
  method: string,
  path: string,
  options: {
    key?: string;
    body?: unknown;
    headers?: Record<string, string>;
    raw?: string;
    /** A multipart body; fetch writes its Content-Type with the boundary. */
    form?: FormData;
  } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.authorization = `Bearer ${options.key}`;
  let payload: string | FormData | undefined = options.form ?? options.raw;
  if (options.body !== undefined) {
    payload = JSON.stringify(options.body);
    headers["content-type"] ??= "application/json";
  }
  const response = await fetch(`${baseUrl}${path}`, { method, headers, body: payload });
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Non-JSON bodies are returned as text for the test to inspect.
  }
  const received = { status: response.status, headers: response.headers, body: body as T };

  const problem = (await conformanceOf(baseUrl)).problemOf(method, path, received);
  if (problem) {
    const excerpt = (typeof body === "string" ? body : JSON.stringify(body)).slice(0, 600);
    throw new Error(
      `${method} ${path} ${response.status} does not conform to the OpenAPI document: ` +
        `${problem}\nbody: ${excerpt}`,
    );
  }
  return received;
}

/** Polls until `check` returns a value, failing after `timeoutMs`. */
export async function waitFor<T>(
  check: () => Promise<T | null | undefined | false>,
  timeoutMs = 20_000,
  what = "condition",
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

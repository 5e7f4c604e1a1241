import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const flag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((value) => ["true", "1", "yes", "on"].includes(value));

const configSchema = z.object({
  NODE_ENV: z.enum(["development", "production", "test"]).default("development"),
  ROLE: z.enum(["api", "worker", "all"]).default("all"),
  HOST: z.string().default("127.0.0.1"),
  PORT: port.default(3000),
  PUBLIC_URL: z.url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  DATABASE_URL: z.string().startsWith("postgres").optional(),
  DATABASE_POOL_SIZE: positiveInt.default(20),
  DATA_DIR: z.string().default(".data"),
  TRUST_PROXY: z.string().optional(),
  BODY_LIMIT_BYTES: positiveInt.default(32 * 1024 * 1024),
  MAX_RECIPIENTS: positiveInt.max(100_000).default(10_000),
  SEND_RATE_LIMIT: positiveInt.default(10),
  WHATSAPP_TEST_RATE_LIMIT: positiveInt.default(5),
  RATE_LIMIT_WINDOW_SECONDS: positiveInt.default(900),
  SEND_CHUNK_SIZE: positiveInt.max(5000).default(500),
  SEND_CONCURRENCY: positiveInt.default(32),
  SEND_JOBS_PER_WORKER: positiveInt.default(4),
  SEND_JOBS_PER_CLIENT: positiveInt.default(4),
  JOB_EXPIRE_SECONDS: positiveInt.default(300),
  JOB_RETRY_LIMIT: z.coerce.number().int().min(0).default(8),
  JOB_RETRY_DELAY_SECONDS: positiveInt.default(5),
  ELFO_BASE_URL: z.url().optional(),
  ELFO_API_KEY: z.string().min(8).optional(),
  ELFO_SHORTCODE: z.string().default("68100"),
  ELFO_TIMEOUT_MS: positiveInt.default(10_000),
  SIMULATORS: flag.default(true),
  /** Shared by the simulators and the callback routes that verify what they post. */
  SIMULATOR_SECRET: z.string().min(16).default("teekrr-local-simulator-secret"),
  SIMULATOR_HOST: z.string().default("127.0.0.1"),
  ELFO_SIMULATOR_PORT: port.default(0),
  SIMULATOR_REPORT_DELAY_MS: z.coerce.number().int().min(0).default(200),
  SIMULATOR_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  DEMO_CLIENT: flag.default(true),
});

export type Config = z.infer<typeof configSchema>;

/**
 * The only reader of the environment. Every bad variable is named in one message, so a
 * misconfigured deployment fails at start with everything to fix listed together.
 */
export function loadConfig(env: Record<string, string | undefined> = process.env): Config {
  const present = Object.fromEntries(
    Object.entries(env).filter(([, value]) => value !== undefined && value !== ""),
  );
  const parsed = configSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `  ${issue.path.join(".")}: ${issue.message}`,
    );
    throw new Error(`Invalid configuration:\n${problems.join("\n")}`);
  }
  const config = parsed.data;
  if (config.NODE_ENV === "production" && !present.SIMULATOR_SECRET) {
    throw new Error(
      "Invalid configuration:\n  SIMULATOR_SECRET: required in production, so nobody can forge sandbox callbacks",
    );
  }
  if (config.ELFO_BASE_URL && !config.ELFO_API_KEY) {
    throw new Error("Invalid configuration:\n  ELFO_API_KEY: required when ELFO_BASE_URL is set");
  }
  return config;
}

/** Builds a configuration for tests and benchmarks without touching the environment. */
export function configFor(overrides: Partial<Record<keyof Config, string>>): Config {
  return loadConfig(overrides);
}

import { z } from "zod";

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const flag = z
  .enum(["true", "false", "1", "0", "yes", "no", "on", "off"])
  .transform((value) => ["true", "1", "yes", "on"].includes(value));

/** Used only outside production, where `ENCRYPTION_KEY` must be set. */
const developmentEncryptionKey = "7465656b72722d6465762d656e6372797074696f6e2d6b65792d333262797465";

/** Reads a 32-byte key written as 64 hex digits or as base64. */
export function parseEncryptionKey(text: string): Buffer | null {
  if (/^[0-9a-fA-F]{64}$/.test(text)) return Buffer.from(text, "hex");
  if (/^[A-Za-z0-9+/]{43}=?$/.test(text)) {
    const bytes = Buffer.from(text, "base64");
    return bytes.length === 32 ? bytes : null;
  }
  return null;
}

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
  SEND_CHUNK_SIZE: positiveInt.max(5000).default(1000),
  SEND_CONCURRENCY: positiveInt.default(32),
  /**
   * One lane more than a client may hold, so a worker busy with one client's broadcast
   * still takes another client's first chunk at once.
   */
  SEND_JOBS_PER_WORKER: positiveInt.default(5),
  SEND_JOBS_PER_CLIENT: positiveInt.default(4),
  JOB_EXPIRE_SECONDS: positiveInt.default(300),
  JOB_RETRY_LIMIT: z.coerce.number().int().min(0).default(8),
  JOB_RETRY_DELAY_SECONDS: positiveInt.default(5),
  /** How often pg-boss looks for expired jobs; a dead worker's job is retried after this. */
  JOB_SUPERVISE_INTERVAL_SECONDS: positiveInt.max(3600).default(60),
  ELFO_BASE_URL: z.url().optional(),
  ELFO_API_KEY: z.string().min(8).optional(),
  ELFO_SHORTCODE: z.string().default("68100"),
  ELFO_TIMEOUT_MS: positiveInt.default(10_000),
  /** Sends per second through the Elfo account, shared by every worker; 0 for no limit. */
  ELFO_MESSAGES_PER_SECOND: z.coerce.number().int().min(0).default(0),
  /** Unset, live email goes to the local SES emulator unless AWS credentials are given. */
  SES_ENDPOINT: z.url().optional(),
  SES_REGION: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default("ap-southeast-1"),
  AWS_ACCESS_KEY_ID: z.string().min(1).optional(),
  AWS_SECRET_ACCESS_KEY: z.string().min(1).optional(),
  SES_CONFIGURATION_SET: z.string().min(1).optional(),
  /** Used when a client has no verified sender identity of its own. */
  SES_DEFAULT_FROM: z.email().optional(),
  /** The SES account's sending quota in messages per second, shared by every worker. */
  SES_MAX_SEND_RATE: positiveInt.default(14),
  SES_TIMEOUT_MS: positiveInt.default(10_000),
  SES_EMULATOR_PORT: port.default(0),
  SNS_SIMULATOR_PORT: port.default(0),
  /** Comma-separated topic ARNs whose SES notifications are accepted. */
  SNS_TOPIC_ARNS: z.string().default(""),
  /** Comma-separated extra hosts (host or host:port) trusted to serve SNS signing certificates. */
  SNS_TRUSTED_CERT_HOSTS: z.string().default(""),
  /** Lets trusted hosts on loopback serve certificates over plain http, for local testing. */
  SNS_ALLOW_LOOPBACK_HTTP: flag.default(false),
  SIMULATORS: flag.default(true),
  /** Shared by the simulators and the callback routes that verify what they post. */
  SIMULATOR_SECRET: z.string().min(16).default("teekrr-local-simulator-secret"),
  SIMULATOR_HOST: z.string().default("127.0.0.1"),
  ELFO_SIMULATOR_PORT: port.default(0),
  SIMULATOR_REPORT_DELAY_MS: z.coerce.number().int().min(0).default(200),
  SIMULATOR_LATENCY_MS: z.coerce.number().int().min(0).default(0),
  /** Off only for benchmarks that measure sending alone. */
  SIMULATOR_REPORTS: flag.default(true),
  DEMO_CLIENT: flag.default(true),
  /** Unset, plain-http webhook URLs are allowed only in development. */
  WEBHOOK_ALLOW_HTTP: flag.optional(),
  /** Unset, webhook URLs on loopback addresses are allowed only in development. */
  WEBHOOK_ALLOW_LOOPBACK: flag.optional(),
  /** Private, CGNAT and unique-local ranges; cloud metadata addresses are never allowed. */
  WEBHOOK_ALLOW_PRIVATE_NETWORKS: flag.default(false),
  WEBHOOK_TIMEOUT_MS: positiveInt.default(10_000),
  /** Delays between attempts of a failing delivery; about a day in all by default. */
  WEBHOOK_RETRY_SCHEDULE_SECONDS: z
    .string()
    .regex(/^\d+(\.\d+)?(,\d+(\.\d+)?)*$/, "must be comma-separated seconds")
    .default("5,30,120,600,1800,3600,7200,14400,28800,43200"),
  /** An endpoint whose every attempt failed for this long is disabled. */
  WEBHOOK_DISABLE_AFTER_SECONDS: positiveInt.default(5 * 24 * 3600),
  WEBHOOK_CONCURRENCY: positiveInt.default(16),
  /** How long a request waits for a concurrent one holding the same Idempotency-Key. */
  IDEMPOTENCY_WAIT_MS: z.coerce.number().int().min(0).default(10_000),
  USAGE_FLUSH_ROWS: positiveInt.default(500),
  USAGE_FLUSH_MS: positiveInt.default(1000),
  /** 32 bytes, hex or base64: encrypts provider credentials stored in the database. */
  ENCRYPTION_KEY: z
    .string()
    .refine((value) => parseEncryptionKey(value) !== null, "must be 32 bytes in hex or base64")
    .default(developmentEncryptionKey),
  GRAPH_BASE_URL: z.url().optional(),
  GRAPH_API_VERSION: z
    .string()
    .regex(/^v\d+\.\d+$/)
    .default("v23.0"),
  GRAPH_TIMEOUT_MS: positiveInt.default(10_000),
  /** The platform's shared WhatsApp number, which staff can enable per client. */
  WHATSAPP_DEFAULT_PHONE_NUMBER_ID: z
    .string()
    .regex(/^\d{5,20}$/)
    .optional(),
  WHATSAPP_DEFAULT_ACCESS_TOKEN: z.string().min(8).optional(),
  WHATSAPP_DEFAULT_APP_SECRET: z.string().min(8).optional(),
  WHATSAPP_VERIFY_TOKEN: z.string().min(8).optional(),
  WHATSAPP_MESSAGES_PER_SECOND: positiveInt.default(80),
  MEDIA_MAX_BYTES: positiveInt.default(16 * 1024 * 1024),
  GRAPH_SIMULATOR_PORT: port.default(0),
  /** How many calls the simulator throttles (130429) for a burst test number before accepting. */
  GRAPH_SIMULATOR_THROTTLED_CALLS: z.coerce.number().int().min(0).default(2),
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
  const problems = dependentProblems(config, present);
  if (problems.length > 0) throw new Error(`Invalid configuration:\n${problems.join("\n")}`);
  return config;
}

/** Rules that tie one variable to another or to production. */
function dependentProblems(config: Config, present: Record<string, string | undefined>) {
  const production = config.NODE_ENV === "production";
  const rules: [boolean, string, string][] = [
    [
      production && !present.SIMULATOR_SECRET,
      "SIMULATOR_SECRET",
      "required in production, so nobody can forge sandbox callbacks",
    ],
    [
      production && !present.ENCRYPTION_KEY,
      "ENCRYPTION_KEY",
      "required in production, so stored provider credentials stay secret",
    ],
    [
      Boolean(config.WHATSAPP_DEFAULT_PHONE_NUMBER_ID && !config.WHATSAPP_DEFAULT_ACCESS_TOKEN),
      "WHATSAPP_DEFAULT_ACCESS_TOKEN",
      "required when WHATSAPP_DEFAULT_PHONE_NUMBER_ID is set",
    ],
    [
      Boolean(config.ELFO_BASE_URL && !config.ELFO_API_KEY),
      "ELFO_API_KEY",
      "required when ELFO_BASE_URL is set",
    ],
  ];
  return rules.filter(([broken]) => broken).map(([, name, why]) => `  ${name}: ${why}`);
}

/** Builds a configuration for tests and benchmarks without touching the environment. */
export function configFor(overrides: Partial<Record<keyof Config, string>>): Config {
  return loadConfig(overrides);
}

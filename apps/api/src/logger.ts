import { pino } from "pino";
import type { Config } from "./env.ts";

/** Field paths that may hold secrets or personal data; pino blanks them in every line. */
const redactedPaths = [
  "req.headers.authorization",
  "req.headers.cookie",
  "headers.authorization",
  "password",
  "apiKey",
  "secret",
  "token",
];

export function createLogger(config: Config) {
  const pretty = config.NODE_ENV === "development" && process.stdout.isTTY;
  return pino({
    level: config.LOG_LEVEL,
    redact: { paths: redactedPaths, censor: "[redacted]" },
    base: { service: "teekrr", role: config.ROLE },
    ...(pretty ? { transport: { target: "pino-pretty", options: { colorize: true } } } : {}),
  });
}

export type Logger = ReturnType<typeof createLogger>;

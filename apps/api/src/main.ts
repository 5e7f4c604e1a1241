import { runMigrations } from "@teekrr/db";
import { locateDatabase } from "./boot/database.ts";
import { ensureDemoClient } from "./boot/demo.ts";
import { startRuntime } from "./boot/runtime.ts";
import { createSecretBox } from "./domain/encryption.ts";
import { loadConfig } from "./env.ts";
import { createLogger } from "./logger.ts";

const config = loadConfig();
const logger = createLogger(config);

const database = await locateDatabase(config, logger);
await runMigrations(database.url);
const runtime = await startRuntime(config, logger, database.url);
logger.info({ url: runtime.url }, "teekrr started");

if (runtime.url && config.DEMO_CLIENT && config.NODE_ENV !== "production") {
  const demo = await ensureDemoClient(
    runtime.platform.database.db,
    createSecretBox(config.ENCRYPTION_KEY),
  );
  // The banner goes to stdout on purpose: it is for the person at the terminal, and the
  // key must never reach the structured logs.
  process.stdout.write(
    `\nTeekrr is running.\n  API:      ${runtime.url}\n  Demo key: ${demo.key}\n\n` +
      `Try it:\n  curl -X POST ${runtime.url}/sms -H "Authorization: Bearer ${demo.key}" \\\n` +
      `    -H "Content-Type: application/json" \\\n` +
      `    -d '{"campaignName":"Hello","type":"quick broadcast",` +
      `"templateContent":"Hello from Teekrr","recipients":["012-345 6789"]}'\n\n`,
  );
}

let stopping = false;
async function shutdown(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "shutting down");
  await runtime.close();
  await database.stop();
  process.exit(0);
}
process.on("SIGINT", () => void shutdown("SIGINT"));
process.on("SIGTERM", () => void shutdown("SIGTERM"));

import { connectDatabase, type DatabaseHandle } from "@teekrr/db";
import type { PgBoss } from "pg-boss";
import type { EmailProviders } from "./channels/email-providers.ts";
import type { SmsProvider } from "./channels/sms-provider.ts";
import type { WhatsAppProvider } from "./channels/whatsapp-provider.ts";
import type { Config } from "./env.ts";
import { createBoss, ensureQueues } from "./jobs/boss.ts";
import type { Logger } from "./logger.ts";

/** Providers per mode: live traffic goes to the real gateways, sandbox traffic to simulators. */
export interface Providers {
  sms: { live: SmsProvider; sandbox: SmsProvider };
  whatsapp: { live: WhatsAppProvider; sandbox: WhatsAppProvider };
  email: EmailProviders;
}

/** Everything a request handler or worker needs, built once per process. */
export interface Platform {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  boss: PgBoss;
  providers: Providers;
  /** Work this process runs outside pg-boss's own workers, stopped before the queues close. */
  closers: Array<() => Promise<void>>;
}

export async function openPlatform(
  config: Config,
  logger: Logger,
  databaseUrl: string,
  providers: Providers,
): Promise<Platform> {
  const database = connectDatabase(databaseUrl, {
    max: config.DATABASE_POOL_SIZE,
    applicationName: `teekrr-${config.ROLE}`,
  });
  const boss = createBoss(databaseUrl, config);
  boss.on("error", (error) => logger.error({ err: error }, "job queue error"));
  await boss.start();
  await ensureQueues(boss, config);
  return { config, logger, database, boss, providers, closers: [] };
}

export async function closePlatform(platform: Platform): Promise<void> {
  await Promise.all(platform.closers.splice(0).map((close) => close()));
  await platform.boss.stop({ graceful: true, timeout: 10_000 });
  await platform.database.close();
}

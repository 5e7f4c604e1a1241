import type { AddressInfo } from "node:net";
import type { FastifyInstance } from "fastify";
import { createProviders } from "../channels/providers.ts";
import type { Config } from "../env.ts";
import { buildServer } from "../http/server.ts";
import { startWorkers } from "../jobs/workers.ts";
import type { Logger } from "../logger.ts";
import { closePlatform, openPlatform, type Platform } from "../platform.ts";
import {
  callbackBase,
  type Simulators,
  startApiGraphSimulator,
  startSimulators,
} from "../simulators/start.ts";

export interface Runtime {
  platform: Platform;
  app: FastifyInstance | null;
  /** The API's address once it listens. */
  url: string | null;
  simulators: Simulators | null;
  close(): Promise<void>;
}

/**
 * Starts this process's share of the platform for its role: the API, the workers, or
 * both, plus the provider simulators wherever messages are sent. An API process without
 * workers sends only WhatsApp test messages, so it runs only a Graph simulator.
 */
export async function startRuntime(
  config: Config,
  logger: Logger,
  databaseUrl: string,
): Promise<Runtime> {
  const serves = config.ROLE !== "worker";
  const works = config.ROLE !== "api";
  const simulators = works && config.SIMULATORS ? await startSimulators(config) : null;
  const apiGraph = !works && config.SIMULATORS ? await startApiGraphSimulator(config) : null;
  const platform = await openPlatform(
    config,
    logger,
    databaseUrl,
    createProviders(config, simulators ?? (apiGraph ? { graph: apiGraph } : null)),
  );

  let app: FastifyInstance | null = null;
  let url: string | null = null;
  if (serves) {
    app = await buildServer(platform);
    await app.listen({ host: config.HOST, port: config.PORT });
    const address = app.server.address() as AddressInfo;
    const host = config.HOST.includes(":") ? `[${config.HOST}]` : config.HOST;
    url = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${address.port}`;
  }
  simulators?.elfo.setCallbackUrl(
    `${config.PUBLIC_URL ?? url ?? callbackBase(config)}/callbacks/elfo`,
  );
  (simulators?.graph ?? apiGraph)?.setCallbackUrl(
    `${config.PUBLIC_URL ?? url ?? callbackBase(config)}/callbacks/meta`,
  );
  simulators?.sns.setCallbackUrl(
    `${config.PUBLIC_URL ?? url ?? callbackBase(config)}/callbacks/ses`,
  );
  if (works) await startWorkers(platform);

  let closed = false;
  return {
    platform,
    app,
    url,
    simulators,
    close: async () => {
      if (closed) return;
      closed = true;
      // Stop taking requests first, then let workers finish or hand back their jobs.
      await app?.close();
      await closePlatform(platform);
      await simulators?.close();
      await apiGraph?.close();
    },
  };
}

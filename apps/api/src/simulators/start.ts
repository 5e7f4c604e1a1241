import { simulatorTopicArn } from "../channels/email-providers.ts";
import type { Config } from "../env.ts";
import { type ElfoSimulator, startElfoSimulator } from "./elfo-simulator.ts";
import {
  type GraphSimulator,
  type GraphSimulatorOptions,
  startGraphSimulator,
} from "./graph-simulator.ts";
import { type SesEmulator, startSesEmulator } from "./ses-emulator.ts";
import { type SnsSimulator, startSnsSimulator } from "./sns-simulator.ts";

export interface Simulators {
  elfo: ElfoSimulator;
  graph: GraphSimulator;
  ses: SesEmulator;
  sns: SnsSimulator;
  close(): Promise<void>;
}

/** Where simulators post their callbacks: this deployment's public API address. */
export function callbackBase(config: Config): string {
  return config.PUBLIC_URL ?? `http://127.0.0.1:${config.PORT}`;
}

/** The simulators a process runs; one that only serves the API runs the Graph one alone. */
export type RunningSimulators = Partial<Pick<Simulators, "elfo" | "graph" | "ses" | "sns">>;

function graphSimulatorOptions(config: Config, base: string): GraphSimulatorOptions {
  return {
    host: config.SIMULATOR_HOST,
    port: config.GRAPH_SIMULATOR_PORT,
    accessToken: config.SIMULATOR_SECRET,
    appSecret: config.SIMULATOR_SECRET,
    callbackUrl: `${base}/callbacks/meta`,
    latencyMs: config.SIMULATOR_LATENCY_MS,
    reportDelayMs: config.SIMULATOR_REPORT_DELAY_MS,
    throttledCalls: config.GRAPH_SIMULATOR_THROTTLED_CALLS,
  };
}

/**
 * The Graph simulator of a process that serves the API without running workers: a
 * WhatsApp test send goes out while its caller waits, from the API process itself, and a
 * simulator in another process has an address this one cannot know. Only this process
 * calls it, so it listens on loopback, on any free port, never competing with a worker's.
 */
export async function startApiGraphSimulator(config: Config): Promise<GraphSimulator> {
  return await startGraphSimulator({
    ...graphSimulatorOptions(config, callbackBase(config)),
    host: "127.0.0.1",
    port: 0,
  });
}

export async function startSimulators(config: Config, apiUrl?: string): Promise<Simulators> {
  const base = apiUrl ?? callbackBase(config);
  const elfo = await startElfoSimulator({
    host: config.SIMULATOR_HOST,
    port: config.ELFO_SIMULATOR_PORT,
    apiKey: config.SIMULATOR_SECRET,
    callbackUrl: `${base}/callbacks/elfo`,
    latencyMs: config.SIMULATOR_LATENCY_MS,
    reportDelayMs: config.SIMULATOR_REPORT_DELAY_MS,
    reports: config.SIMULATOR_REPORTS,
  });
  const graph = await startGraphSimulator(graphSimulatorOptions(config, base));
  const ses = await startSesEmulator(config.SIMULATOR_HOST, config.SES_EMULATOR_PORT);
  const sns = await startSnsSimulator({
    host: config.SIMULATOR_HOST,
    port: config.SNS_SIMULATOR_PORT,
    sesUrl: ses.url,
    topicArn: simulatorTopicArn,
    callbackUrl: `${base}/callbacks/ses`,
    reportDelayMs: config.SIMULATOR_REPORT_DELAY_MS,
  });
  return {
    elfo,
    graph,
    ses,
    sns,
    close: async () => {
      await elfo.close();
      await graph.close();
      await sns.close();
      await ses.close();
    },
  };
}

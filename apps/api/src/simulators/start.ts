import { simulatorTopicArn } from "../channels/email-providers.ts";
import type { Config } from "../env.ts";
import { type ElfoSimulator, startElfoSimulator } from "./elfo-simulator.ts";
import { type GraphSimulator, startGraphSimulator } from "./graph-simulator.ts";
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
  const graph = await startGraphSimulator({
    host: config.SIMULATOR_HOST,
    port: config.GRAPH_SIMULATOR_PORT,
    accessToken: config.SIMULATOR_SECRET,
    appSecret: config.SIMULATOR_SECRET,
    callbackUrl: `${base}/callbacks/meta`,
    latencyMs: config.SIMULATOR_LATENCY_MS,
    reportDelayMs: config.SIMULATOR_REPORT_DELAY_MS,
    throttledCalls: config.GRAPH_SIMULATOR_THROTTLED_CALLS,
  });
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

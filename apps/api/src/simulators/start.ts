import type { Config } from "../env.ts";
import { type ElfoSimulator, startElfoSimulator } from "./elfo-simulator.ts";

export interface Simulators {
  elfo: ElfoSimulator;
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
  });
  return {
    elfo,
    close: async () => {
      await elfo.close();
    },
  };
}

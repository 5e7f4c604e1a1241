import type { Config } from "../env.ts";
import type { RunningSimulators } from "../simulators/start.ts";
import { createMetaCloudProvider } from "./meta-cloud.ts";
import { transientFailure } from "./send-result.ts";
import type { WhatsAppProvider } from "./whatsapp-provider.ts";

const unavailableWhatsApp: WhatsAppProvider = {
  name: "unavailable",
  send: async () => transientFailure("not_configured", "no Graph simulator in this process"),
};

/**
 * Live sends go to the Graph API at `GRAPH_BASE_URL` with each sender's own token, or to
 * the simulator when no Graph address is set. Sandbox sends always go to the simulator,
 * which accepts only its own token whatever the sender's.
 */
export function createWhatsAppProviders(
  config: Config,
  simulators: RunningSimulators | null,
): { live: WhatsAppProvider; sandbox: WhatsAppProvider } {
  const sandbox = simulators?.graph
    ? createMetaCloudProvider({
        baseUrl: simulators.graph.url,
        version: config.GRAPH_API_VERSION,
        timeoutMs: config.GRAPH_TIMEOUT_MS,
        accessTokenOverride: config.SIMULATOR_SECRET,
      })
    : unavailableWhatsApp;
  const live = config.GRAPH_BASE_URL
    ? createMetaCloudProvider({
        baseUrl: config.GRAPH_BASE_URL,
        version: config.GRAPH_API_VERSION,
        timeoutMs: config.GRAPH_TIMEOUT_MS,
      })
    : sandbox;
  return { live, sandbox };
}

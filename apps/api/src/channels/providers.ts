import type { Config } from "../env.ts";
import type { Providers } from "../platform.ts";
import type { RunningSimulators } from "../simulators/start.ts";
import { createElfoProvider } from "./elfo.ts";
import { createEmailProviders } from "./email-providers.ts";
import { transientFailure } from "./send-result.ts";
import type { SmsProvider } from "./sms-provider.ts";
import { createWhatsAppProviders } from "./whatsapp-providers.ts";

const unavailableSms: SmsProvider = {
  name: "unavailable",
  send: async () => transientFailure("not_configured", "no SMS gateway in this process"),
};

/**
 * Live traffic uses the configured gateways, or the simulators when none is configured
 * (the embedded default). Sandbox traffic always uses the simulators.
 */
export function createProviders(config: Config, simulators: RunningSimulators | null): Providers {
  const sandbox = simulators?.elfo
    ? createElfoProvider({
        baseUrl: simulators.elfo.url,
        apiKey: config.SIMULATOR_SECRET,
        shortcode: config.ELFO_SHORTCODE,
        timeoutMs: config.ELFO_TIMEOUT_MS,
      })
    : unavailableSms;
  const live =
    config.ELFO_BASE_URL && config.ELFO_API_KEY
      ? createElfoProvider({
          baseUrl: config.ELFO_BASE_URL,
          apiKey: config.ELFO_API_KEY,
          shortcode: config.ELFO_SHORTCODE,
          timeoutMs: config.ELFO_TIMEOUT_MS,
        })
      : sandbox;
  return {
    sms: { live, sandbox },
    whatsapp: createWhatsAppProviders(config, simulators),
    email: createEmailProviders(config, simulators),
  };
}

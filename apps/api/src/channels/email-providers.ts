import type { Config } from "../env.ts";
import type { Simulators } from "../simulators/start.ts";
import type { EmailProvider } from "./email-provider.ts";
import { transientFailure } from "./send-result.ts";
import { createSesProvider } from "./ses.ts";
import type { SnsTrust } from "./sns-signature.ts";

/** The emulator accepts any credentials but refuses a request without them. */
const emulatorCredentials = { accessKeyId: "emulator", secretAccessKey: "emulator" };

/** The SNS topic the simulator publishes on; accepted wherever simulators are enabled. */
export const simulatorTopicArn = "arn:aws:sns:ap-southeast-1:000000000000:teekrr-ses-simulator";

export interface EmailProviders {
  live: EmailProvider;
  sandbox: EmailProvider;
  /** True when live mail also goes to the local emulator (no SES configured). */
  liveIsEmulator: boolean;
  /** Whose SNS notifications about these sends are believed. */
  notifications: SnsTrust;
}

const unavailableEmail: EmailProvider = {
  name: "unavailable",
  send: async () => transientFailure("not_configured", "no SES emulator in this process"),
};

function list(value: string): string[] {
  return value
    .split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

function isLoopbackHost(host: string): boolean {
  const name = host.replace(/:\d+$/, "").replace(/^\[|\]$/g, "");
  return name === "localhost" || name.startsWith("127.") || name === "::1";
}

export function snsTrustFor(config: Config, simulators: Simulators | null): SnsTrust {
  const extraHosts = list(config.SNS_TRUSTED_CERT_HOSTS).map((host) => host.toLowerCase());
  const httpHosts = config.SNS_ALLOW_LOOPBACK_HTTP ? extraHosts.filter(isLoopbackHost) : [];
  // The simulator this process started signs with a key it holds itself, so its own
  // loopback address is believed without a setting.
  if (simulators) httpHosts.push(simulators.sns.certHost);
  const topicArns = list(config.SNS_TOPIC_ARNS);
  if (config.SIMULATORS) topicArns.push(simulatorTopicArn);
  return {
    topicArns: new Set(topicArns),
    httpsHosts: new Set([`sns.${config.SES_REGION}.amazonaws.com`, ...extraHosts]),
    httpHosts: new Set(httpHosts),
  };
}

/**
 * Live mail goes to SES when an endpoint or credentials are configured, else to the local
 * emulator (the embedded default). Sandbox mail always goes to the emulator.
 */
export function createEmailProviders(
  config: Config,
  simulators: Simulators | null,
): EmailProviders {
  const sandbox = simulators
    ? createSesProvider({
        endpoint: simulators.ses.url,
        region: config.SES_REGION,
        credentials: emulatorCredentials,
        timeoutMs: config.SES_TIMEOUT_MS,
      })
    : unavailableEmail;
  const configured = Boolean(config.SES_ENDPOINT || config.AWS_ACCESS_KEY_ID);
  const credentials =
    config.AWS_ACCESS_KEY_ID && config.AWS_SECRET_ACCESS_KEY
      ? { accessKeyId: config.AWS_ACCESS_KEY_ID, secretAccessKey: config.AWS_SECRET_ACCESS_KEY }
      : undefined;
  const live = configured
    ? createSesProvider({
        endpoint: config.SES_ENDPOINT,
        region: config.SES_REGION,
        credentials,
        configurationSet: config.SES_CONFIGURATION_SET,
        timeoutMs: config.SES_TIMEOUT_MS,
      })
    : sandbox;
  return {
    live,
    sandbox,
    liveIsEmulator: !configured,
    notifications: snsTrustFor(config, simulators),
  };
}

import { X509Certificate } from "node:crypto";
import type { Config } from "../env.ts";
import { snsSimulatorCertificatePem } from "../simulators/sns-certificate.ts";
import type { RunningSimulators } from "../simulators/start.ts";
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

/** Live mail goes to SES when an endpoint or credentials are configured. */
function isSesConfigured(config: Config): boolean {
  return Boolean(config.SES_ENDPOINT || config.AWS_ACCESS_KEY_ID);
}

/**
 * Whose SNS messages this deployment believes, derived from configuration alone so that
 * every process, whatever its role, decides alike. The simulator's key is public, so what
 * it signs may change live messages only where live mail goes to the emulator as well.
 */
export function snsTrustFor(config: Config, simulators: RunningSimulators | null = null): SnsTrust {
  const extraHosts = list(config.SNS_TRUSTED_CERT_HOSTS).map((host) => host.toLowerCase());
  const httpHosts = config.SNS_ALLOW_LOOPBACK_HTTP ? extraHosts.filter(isLoopbackHost) : [];
  // Only a simulator of this very process is visited to confirm a subscription: another
  // process's port is not known here, and any loopback port would invite forged requests.
  if (simulators?.sns) httpHosts.push(simulators.sns.certHost);
  return {
    topicArns: new Set(list(config.SNS_TOPIC_ARNS)),
    httpsHosts: new Set([`sns.${config.SES_REGION}.amazonaws.com`, ...extraHosts]),
    httpHosts: new Set(httpHosts),
    simulator: config.SIMULATORS
      ? {
          topicArn: simulatorTopicArn,
          hostname: config.SIMULATOR_HOST,
          certificate: new X509Certificate(snsSimulatorCertificatePem),
          speaksForLive: !isSesConfigured(config),
        }
      : null,
  };
}

/**
 * Whether a stored SNS notification may change live messages, not only sandbox ones. It is
 * decided again when the notification is applied, from its topic: the simulator's topic is
 * believed only with the simulator's certificate, and nothing else signs on it.
 */
export function speaksForLiveMessages(payload: unknown, trust: SnsTrust): boolean {
  const topic = (payload as { TopicArn?: unknown } | null)?.TopicArn;
  if (topic !== simulatorTopicArn) return true;
  return trust.simulator?.speaksForLive ?? false;
}

/**
 * Live mail goes to SES when an endpoint or credentials are configured, else to the local
 * emulator (the embedded default). Sandbox mail always goes to the emulator.
 */
export function createEmailProviders(
  config: Config,
  simulators: RunningSimulators | null,
): EmailProviders {
  const sandbox = simulators?.ses
    ? createSesProvider({
        endpoint: simulators.ses.url,
        region: config.SES_REGION,
        credentials: emulatorCredentials,
        timeoutMs: config.SES_TIMEOUT_MS,
      })
    : unavailableEmail;
  const configured = isSesConfigured(config);
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

import { sign, verify, X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { request } from "undici";
import { z } from "zod";
import { snsSimulatorCertificatePem } from "../simulators/sns-certificate.ts";

/** An SNS message as posted to an HTTP subscriber. */
export const snsEnvelope = z.looseObject({
  Type: z.enum(["Notification", "SubscriptionConfirmation", "UnsubscribeConfirmation"]),
  MessageId: z.string().min(1).max(200),
  TopicArn: z.string().min(1).max(1024),
  Subject: z.string().max(1000).optional(),
  Message: z.string().max(256 * 1024),
  Timestamp: z.string().min(1).max(64),
  SignatureVersion: z.enum(["1", "2"]),
  Signature: z.string().min(1).max(4096),
  SigningCertURL: z.string().min(1).max(2048),
  SubscribeURL: z.string().max(4096).optional(),
  UnsubscribeURL: z.string().max(4096).optional(),
  Token: z.string().max(4096).optional(),
});
export type SnsEnvelope = z.infer<typeof snsEnvelope>;

/**
 * The string SNS signs: selected fields as `name\nvalue\n`, in byte order of their names.
 * Notifications include `Subject` only when present; confirmations sign their URL and token.
 */
export function snsStringToSign(message: SnsEnvelope): string {
  const names =
    message.Type === "Notification"
      ? ["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
      : ["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"];
  let text = "";
  for (const name of names) {
    const value = (message as Record<string, unknown>)[name];
    if (name === "Subject" && value === undefined) continue;
    text += `${name}\n${typeof value === "string" ? value : ""}\n`;
  }
  return text;
}

const algorithms = { "1": "sha1", "2": "sha256" } as const;

/** Signs like SNS does; used by the simulator, with its test-only key. */
export function signSnsMessage(
  message: Omit<SnsEnvelope, "Signature">,
  privateKeyPem: string,
): SnsEnvelope {
  const unsigned = { ...message, Signature: "" } as SnsEnvelope;
  const signature = sign(
    algorithms[unsigned.SignatureVersion],
    Buffer.from(snsStringToSign(unsigned), "utf8"),
    privateKeyPem,
  );
  return { ...unsigned, Signature: signature.toString("base64") };
}

/** Which senders of SNS messages this deployment believes. */
export interface SnsTrust {
  topicArns: ReadonlySet<string>;
  /** Hosts (`host` or `host:port`) trusted to serve certificates and confirm over https. */
  httpsHosts: ReadonlySet<string>;
  /** Loopback hosts trusted over plain http: the local simulator, or hosts a setting allows. */
  httpHosts: ReadonlySet<string>;
  /** The SNS simulator, when this deployment runs the simulators. */
  simulator: SnsSimulatorTrust | null;
}

/**
 * The simulator signs on its own topic with a key anyone can read in the repository. Its
 * certificate ships with the code, so it is checked against that copy instead of fetched:
 * any process can verify what a simulator in another process signed.
 */
export interface SnsSimulatorTrust {
  topicArn: string;
  /** The host its certificate URLs name; each simulator listens on a port of its own. */
  hostname: string;
  certificate: X509Certificate;
  /** Whether what it signs may change live messages, not only sandbox ones. */
  speaksForLive: boolean;
}

/** A certificate URL of the simulator: plain http on its host, any port. */
function isSimulatorCertificateUrl(text: string, hostname: string): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.username || url.password || url.protocol !== "http:") return false;
  return url.hostname.replace(/^\[|\]$/g, "").toLowerCase() === hostname.toLowerCase();
}

function isLoopback(hostname: string): boolean {
  const bare = hostname.replace(/^\[|\]$/g, "");
  if (bare === "localhost") return true;
  if (isIP(bare) === 4) return bare.startsWith("127.");
  return bare === "::1";
}

/**
 * Whether SNS may be believed about this URL: https on a trusted host, or http on a
 * loopback host trusted for it. Anything else (another host, userinfo tricks, odd schemes)
 * is refused before any request is made.
 */
export function isTrustedSnsUrl(text: string, trust: SnsTrust): boolean {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return false;
  }
  if (url.username || url.password) return false;
  const host = url.host.toLowerCase();
  if (url.protocol === "https:") return trust.httpsHosts.has(host);
  if (url.protocol === "http:") return isLoopback(url.hostname) && trust.httpHosts.has(host);
  return false;
}

export type SnsVerdict =
  | { ok: true; message: SnsEnvelope }
  | { ok: false; reason: "malformed" | "topic" | "certificate_host" | "certificate" | "signature" };

export interface SnsVerifier {
  verify(body: unknown): Promise<SnsVerdict>;
}

const simulatorFingerprint = new X509Certificate(snsSimulatorCertificatePem).fingerprint256;

/** Certificates are fetched once per URL and kept for a day; SNS rotates them rarely. */
const certificateLifetimeMs = 24 * 3600_000;
const maxCachedCertificates = 50;

/**
 * Checks an SNS message: known topic, certificate URL on a trusted host, certificate
 * currently valid, and the signature over the documented string. Certificates are
 * cached by URL, so a burst of notifications costs one fetch.
 */
export function createSnsVerifier(trust: SnsTrust, timeoutMs = 5_000): SnsVerifier {
  const cache = new Map<string, { certificate: X509Certificate; fetchedAt: number }>();
  const inflight = new Map<string, Promise<X509Certificate | null>>();

  async function fetchCertificate(url: string): Promise<X509Certificate | null> {
    try {
      const response = await request(url, {
        method: "GET",
        headersTimeout: timeoutMs,
        bodyTimeout: timeoutMs,
      });
      const text = await response.body.text();
      if (response.statusCode !== 200 || text.length > 20_000) return null;
      return new X509Certificate(text);
    } catch {
      return null;
    }
  }

  async function certificateFor(url: string): Promise<X509Certificate | null> {
    const cached = cache.get(url);
    if (cached && Date.now() - cached.fetchedAt < certificateLifetimeMs) {
      return cached.certificate;
    }
    let pending = inflight.get(url);
    if (!pending) {
      pending = fetchCertificate(url).finally(() => inflight.delete(url));
      inflight.set(url, pending);
    }
    const certificate = await pending;
    if (certificate) {
      if (cache.size >= maxCachedCertificates) cache.clear();
      cache.set(url, { certificate, fetchedAt: Date.now() });
    }
    return certificate;
  }

  return {
    async verify(body) {
      const parsed = snsEnvelope.safeParse(body);
      if (!parsed.success) return { ok: false, reason: "malformed" };
      const message = parsed.data;
      const simulator = trust.simulator;
      const simulated = simulator !== null && message.TopicArn === simulator.topicArn;
      if (!simulated && !trust.topicArns.has(message.TopicArn)) {
        return { ok: false, reason: "topic" };
      }
      const trustedUrl = simulated
        ? isSimulatorCertificateUrl(message.SigningCertURL, simulator.hostname)
        : isTrustedSnsUrl(message.SigningCertURL, trust);
      if (!trustedUrl) return { ok: false, reason: "certificate_host" };

      const certificate = simulated
        ? simulator.certificate
        : await certificateFor(message.SigningCertURL);
      const now = Date.now();
      if (
        !certificate ||
        Date.parse(certificate.validFrom) > now ||
        Date.parse(certificate.validTo) < now ||
        // Its key is public: on any topic but the simulator's it would vouch for anyone.
        (!simulated && certificate.fingerprint256 === simulatorFingerprint)
      ) {
        return { ok: false, reason: "certificate" };
      }

      let valid = false;
      try {
        valid = verify(
          algorithms[message.SignatureVersion],
          Buffer.from(snsStringToSign(message), "utf8"),
          certificate.publicKey,
          Buffer.from(message.Signature, "base64"),
        );
      } catch {
        valid = false;
      }
      return valid ? { ok: true, message } : { ok: false, reason: "signature" };
    },
  };
}

/** Confirms a subscription by visiting its `SubscribeURL`, under the same host rules. */
export async function confirmSnsSubscription(
  message: SnsEnvelope,
  trust: SnsTrust,
  timeoutMs = 5_000,
): Promise<boolean> {
  const url = message.SubscribeURL;
  if (!url || !isTrustedSnsUrl(url, trust)) return false;
  try {
    const response = await request(url, {
      method: "GET",
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    await response.body.dump();
    return response.statusCode === 200;
  } catch {
    return false;
  }
}

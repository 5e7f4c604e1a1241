import { lookup } from "node:dns/promises";
import { isIP } from "node:net";
import { AppError } from "@teekrr/shared";
import ipaddr from "ipaddr.js";
import type { Config } from "../../env.ts";

export interface ResolvedAddress {
  address: string;
  family: number;
}

export type HostResolver = (host: string) => Promise<ResolvedAddress[]>;

/** Which webhook destinations this deployment accepts. */
export interface WebhookUrlPolicy {
  allowHttp: boolean;
  allowLoopback: boolean;
  allowPrivate: boolean;
  resolve: HostResolver;
}

const resolveWithDns: HostResolver = async (host) =>
  await lookup(host, { all: true, order: "verbatim" });

export function webhookUrlPolicy(config: Config, resolve = resolveWithDns): WebhookUrlPolicy {
  const development = config.NODE_ENV === "development";
  return {
    allowHttp: config.WEBHOOK_ALLOW_HTTP ?? development,
    allowLoopback: config.WEBHOOK_ALLOW_LOOPBACK ?? development,
    allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_NETWORKS,
    resolve,
  };
}

/** Cloud instance-metadata services; never a webhook destination, whatever the settings. */
const metadataAddresses = new Set(["169.254.169.254", "fd00:ec2::254", "100.100.100.200"]);

/**
 * Why an address may not receive webhooks, or null when it may. IPv4 written inside IPv6
 * (`::ffff:127.0.0.1`) is judged as the IPv4 address it carries.
 */
export function addressProblem(ip: string, policy: WebhookUrlPolicy): string | null {
  if (!ipaddr.isValid(ip)) return "not an IP address";
  let address = ipaddr.parse(ip);
  if (address.kind() === "ipv6" && (address as ipaddr.IPv6).isIPv4MappedAddress()) {
    address = (address as ipaddr.IPv6).toIPv4Address();
  }
  const normalized = address.toNormalizedString();
  const compact = address.kind() === "ipv6" ? (address as ipaddr.IPv6).toString() : normalized;
  if (metadataAddresses.has(compact) || metadataAddresses.has(normalized)) {
    return "cloud metadata address";
  }
  const range = address.range();
  if (range === "unicast") return null;
  if (range === "loopback") return policy.allowLoopback ? null : "loopback address";
  if (range === "private" || range === "uniqueLocal" || range === "carrierGradeNat") {
    return policy.allowPrivate ? null : "private network address";
  }
  return `${range} address`;
}

function refuse(reason: string): AppError {
  return new AppError("validation_failed", undefined, [
    { field: "url", message: `Webhook URL is not allowed: ${reason}` },
  ]);
}

/** Checks the parts of a URL that need no DNS: scheme, credentials, and literal addresses. */
export function parseWebhookUrl(text: string, policy: WebhookUrlPolicy): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw refuse("not a valid URL");
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && policy.allowHttp)) {
    throw refuse(policy.allowHttp ? "only http and https are supported" : "only https is allowed");
  }
  if (url.username || url.password) throw refuse("credentials in the URL are not supported");
  // The URL parser has already turned decimal, octal and hex IPv4 forms into dotted quads.
  const host = hostOf(url);
  if (isIP(host) !== 0) {
    const problem = addressProblem(host, policy);
    if (problem) throw refuse(problem);
  }
  return url;
}

export function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, "$1").replace(/\.$/, "");
}

/**
 * Resolves the URL's host and checks every address it has, so a name with one public and
 * one private address is refused. Returns the addresses a connection may use.
 */
export async function vetWebhookUrl(
  text: string,
  policy: WebhookUrlPolicy,
): Promise<{ url: URL; addresses: ResolvedAddress[] }> {
  const url = parseWebhookUrl(text, policy);
  const host = hostOf(url);
  const family = isIP(host);
  if (family !== 0) return { url, addresses: [{ address: host, family }] };

  let addresses: ResolvedAddress[];
  try {
    addresses = await policy.resolve(host);
  } catch {
    throw refuse("its host name does not resolve");
  }
  if (addresses.length === 0) throw refuse("its host name does not resolve");
  for (const { address } of addresses) {
    const problem = addressProblem(address, policy);
    if (problem) throw refuse(`its host name resolves to a ${problem}`);
  }
  return { url, addresses };
}

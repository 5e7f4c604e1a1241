import { Agent, request } from "undici";
import {
  hostOf,
  type ResolvedAddress,
  vetWebhookUrl,
  type WebhookUrlPolicy,
} from "./url-policy.ts";

export interface PostResult {
  ok: boolean;
  statusCode: number | null;
  latencyMs: number;
  /** At most 1 KB of the response body, for the delivery log. */
  excerpt: string | null;
  error: string | null;
}

const excerptBytes = 1024;
/** One receiver never sees more connections than the default delivery concurrency. */
const connectionsPerDestination = 16;
const timeoutErrors = new Set([
  "TimeoutError",
  "AbortError",
  "HeadersTimeoutError",
  "BodyTimeoutError",
  "ConnectTimeoutError",
]);

type LookupCallback = (
  error: Error | null,
  address: string | { address: string; family: number }[],
  family?: number,
) => void;

/**
 * Connections go to the address that was vetted, never to a fresh DNS answer: a name that
 * resolves to a public address when checked and to a private one a moment later cannot
 * steer the request inside the network.
 */
function pinnedAgent(pinned: ResolvedAddress): Agent {
  return new Agent({
    connections: connectionsPerDestination,
    connect: {
      lookup: (_host: string, options: { all?: boolean }, callback: LookupCallback) => {
        if (options.all) callback(null, [{ address: pinned.address, family: pinned.family }]);
        else callback(null, pinned.address, pinned.family);
      },
    },
  });
}

/**
 * Agents per host and vetted address, so repeated deliveries reuse their connections; a
 * literal IP address gets one too, since posting through it cost less than through the
 * global dispatcher.
 */
const agents = new Map<string, Agent>();
const maxAgents = 256;

function agentFor(host: string, pinned: ResolvedAddress): Agent {
  const key = `${host}|${pinned.address}`;
  let agent = agents.get(key);
  if (!agent) {
    if (agents.size >= maxAgents) {
      const [oldestKey, oldest] = agents.entries().next().value as [string, Agent];
      agents.delete(oldestKey);
      void oldest.close();
    }
    agent = pinnedAgent(pinned);
    agents.set(key, agent);
  }
  return agent;
}

/**
 * Posts one webhook. The URL is vetted again here, at delivery time; redirects are not
 * followed (a 3xx is a failure); only a 2xx within the timeout is success.
 */
export async function postWebhook(
  urlText: string,
  headers: Record<string, string>,
  body: string,
  policy: WebhookUrlPolicy,
  timeoutMs: number,
  vet: (text: string) => ReturnType<typeof vetWebhookUrl> = (text) => vetWebhookUrl(text, policy),
): Promise<PostResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  let vetted: Awaited<ReturnType<typeof vetWebhookUrl>>;
  try {
    vetted = await vet(urlText);
  } catch (error) {
    const message =
      (error as { fieldErrors?: { message: string }[] }).fieldErrors?.[0]?.message ??
      "Webhook URL is not allowed";
    return { ok: false, statusCode: null, latencyMs: elapsed(), excerpt: null, error: message };
  }

  const [pinned] = vetted.addresses;
  const dispatcher = pinned ? agentFor(hostOf(vetted.url), pinned) : undefined;
  try {
    const response = await request(vetted.url, {
      method: "POST",
      headers,
      body,
      ...(dispatcher ? { dispatcher } : {}),
      // The status must arrive within the timeout; undici enforces it without a timer and
      // an abort signal per delivery.
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    // undici's timeouts bound each phase on its own; the whole attempt gets one deadline, so
    // a slow connect plus slow headers, or a body trickled a byte at a time, cannot hold
    // the delivery (and the batch it shares) past it.
    const remainingMs = timeoutMs - elapsed();
    if (remainingMs <= 0) {
      response.body.destroy();
      return timedOut(elapsed(), timeoutMs);
    }
    let excerpt = "";
    if (hasNoBody(response)) await response.body.dump().catch(() => {});
    else excerpt = await readExcerpt(response.body, remainingMs);
    const ok = response.statusCode >= 200 && response.statusCode < 300;
    return {
      ok,
      statusCode: response.statusCode,
      latencyMs: elapsed(),
      excerpt,
      error: ok ? null : `HTTP ${response.statusCode}`,
    };
  } catch (error) {
    if (timeoutErrors.has((error as Error).name)) return timedOut(elapsed(), timeoutMs);
    return {
      ok: false,
      statusCode: null,
      latencyMs: elapsed(),
      excerpt: null,
      error: describeError(error),
    };
  }
}

function timedOut(latencyMs: number, timeoutMs: number): PostResult {
  const error = `No response within ${timeoutMs} ms`;
  return { ok: false, statusCode: null, latencyMs, excerpt: null, error };
}

/** Most receivers answer 204 or an empty 200; reading such a body as a stream costs more. */
function hasNoBody(response: { statusCode: number; headers: Record<string, unknown> }): boolean {
  return response.statusCode === 204 || response.headers["content-length"] === "0";
}

/**
 * Reads the start of the body until it has an excerpt's worth, the body ends, or the
 * attempt's deadline passes; the status has already decided the outcome.
 */
async function readExcerpt(
  stream: AsyncIterable<Buffer> & { destroy(): void },
  withinMs: number,
): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  const deadline = setTimeout(() => stream.destroy(), withinMs);
  try {
    for await (const chunk of stream) {
      chunks.push(chunk);
      size += chunk.length;
      if (size >= excerptBytes) break;
    }
  } catch {
    // A receiver that drops the connection mid-body still answered with its status.
  } finally {
    clearTimeout(deadline);
    stream.destroy();
  }
  return Buffer.concat(chunks).subarray(0, excerptBytes).toString("utf8");
}

function describeError(error: unknown): string {
  const cause = (error as { cause?: { code?: string } }).cause;
  const code = (error as { code?: string }).code ?? cause?.code;
  return code ? `Connection failed (${code})` : "Connection failed";
}

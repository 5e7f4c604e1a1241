import { Agent, request } from "undici";
import { permanentFailure, type SendResult, transientFailure } from "./send-result.ts";
import type { SmsProvider, SmsSendRequest } from "./sms-provider.ts";

export interface ElfoSettings {
  baseUrl: string;
  apiKey: string;
  shortcode: string;
  timeoutMs: number;
  connections?: number;
}

/**
 * Elfo answers HTTP 200 whether or not it took the message; the outcome is the body's
 * `status`. These error codes are worth retrying: the gateway refused our account's key
 * (an operator can fix it while the retries run, instead of every message failing for
 * good), is busy, is throttling us, or is briefly out of its own credit. Every other code
 * is about the message itself.
 */
const transientElfoCodes = new Set(["1001", "1002", "1005", "1006", "1009"]);

interface ElfoResponse {
  status?: string;
  sms_id?: string;
  error_code?: string | number;
  error?: string;
}

/** Elfo HTTP API adapter: `POST /v1/sms/send` with the API key, one message per call. */
export function createElfoProvider(settings: ElfoSettings): SmsProvider {
  const dispatcher = new Agent({
    connections: settings.connections ?? 64,
    keepAliveTimeout: 30_000,
    // The agent's timeouts bound every call; a per-request abort signal cost a timer and
    // an AbortController per message for no extra safety.
    connect: { timeout: settings.timeoutMs },
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
  });
  const url = new URL("/v1/sms/send", settings.baseUrl).toString();

  async function send(message: SmsSendRequest): Promise<SendResult> {
    let statusCode: number;
    let body: ElfoResponse;
    try {
      const response = await request(url, {
        method: "POST",
        dispatcher,
        headers: {
          authorization: `Bearer ${settings.apiKey}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          shortcode: settings.shortcode,
          msisdn: message.to.replace(/^\+/, ""),
          message: message.text,
          reference: message.reference,
        }),
      });
      statusCode = response.statusCode;
      const text = await response.body.text();
      body = statusCode === 200 ? (JSON.parse(text) as ElfoResponse) : {};
    } catch (error) {
      return transientFailure("network", error instanceof Error ? error.message : "request failed");
    }

    if (statusCode !== 200) return transientFailure(`http_${statusCode}`, "gateway unavailable");
    if (body.status === "OK" && body.sms_id) {
      return { kind: "accepted", providerMessageId: body.sms_id };
    }
    const code = String(body.error_code ?? "unknown");
    const reason = body.error ?? "rejected by gateway";
    return transientElfoCodes.has(code)
      ? transientFailure(`elfo_${code}`, reason)
      : permanentFailure(`elfo_${code}`, reason);
  }

  return { name: "elfo", send };
}

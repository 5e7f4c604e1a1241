import { Agent, request } from "undici";
import { permanentFailure, type SendResult, transientFailure } from "./send-result.ts";
import type { WhatsAppProvider, WhatsAppTemplateSend } from "./whatsapp-provider.ts";

export interface MetaCloudSettings {
  baseUrl: string;
  version: string;
  timeoutMs: number;
  /** Replaces every sender's token; the simulator accepts only its own. */
  accessTokenOverride?: string;
  connections?: number;
}

/** Meta asks us to slow down: the account, the app, or this number's pair rate. */
const throttlingCodes = new Set([4, 80007, 130429, 131056]);
/** The message itself cannot go: undeliverable, outside the window, bad parameters. */
const undeliverableCodes = new Set([131026, 133010, 131047, 131051, 132000, 132001]);

interface GraphError {
  message?: string;
  type?: string;
  code?: number;
  error_subcode?: number;
  error_data?: { details?: string };
  fbtrace_id?: string;
}

interface GraphSuccess {
  messages?: { id?: string }[];
}

/** Decides what a Graph refusal means for the message, by Meta's error code first. */
export function classifyGraphError(status: number, error: GraphError | undefined): SendResult {
  const code = error?.code;
  const reason = error?.message ?? error?.error_data?.details ?? `HTTP ${status}`;
  const label = code === undefined ? `http_${status}` : String(code);
  if (code !== undefined && throttlingCodes.has(code)) return transientFailure(label, reason);
  if (code !== undefined && undeliverableCodes.has(code)) return permanentFailure(label, reason);
  if (status >= 500) return transientFailure(label, reason);
  return permanentFailure(label, reason);
}

/** The template message exactly as the Cloud API's messages endpoint takes it. */
export function templatePayload(message: WhatsAppTemplateSend) {
  return {
    messaging_product: "whatsapp",
    recipient_type: "individual",
    to: message.to.replace(/^\+/, ""),
    type: "template",
    template: {
      name: message.template.name,
      language: { code: message.template.language },
      ...(message.template.components.length > 0
        ? { components: message.template.components }
        : {}),
    },
  };
}

/** WhatsApp Cloud API adapter: `POST /{version}/{phone-number-id}/messages`, one per call. */
export function createMetaCloudProvider(settings: MetaCloudSettings): WhatsAppProvider {
  const dispatcher = new Agent({
    connections: settings.connections ?? 64,
    keepAliveTimeout: 30_000,
    headersTimeout: settings.timeoutMs,
    bodyTimeout: settings.timeoutMs,
  });
  const base = settings.baseUrl.replace(/\/+$/, "");

  async function send(message: WhatsAppTemplateSend): Promise<SendResult> {
    const phoneNumberId = encodeURIComponent(message.sender.phoneNumberId);
    const url = `${base}/${settings.version}/${phoneNumberId}/messages`;
    const token = settings.accessTokenOverride ?? message.sender.accessToken;
    let status: number;
    let body: { error?: GraphError } & GraphSuccess;
    try {
      const response = await request(url, {
        method: "POST",
        dispatcher,
        headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
        body: JSON.stringify(templatePayload(message)),
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      status = response.statusCode;
      const text = await response.body.text();
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        body = {};
      }
    } catch (error) {
      return transientFailure("network", error instanceof Error ? error.message : "request failed");
    }

    const id = body.messages?.[0]?.id;
    if (status >= 200 && status < 300 && id) return { kind: "accepted", providerMessageId: id };
    if (status >= 200 && status < 300) return transientFailure("bad_response", "no message id");
    return classifyGraphError(status, body.error);
  }

  return { name: "meta-cloud", send };
}

import { createHmac, randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request } from "undici";
import { closeServer, listenJson, sendJson } from "./http-json.ts";

/**
 * Outcomes chosen by the last four digits of the recipient, so tests and demos can ask
 * for each path of the pipeline. Any other number is sent, then delivered.
 */
export const graphTestNumbers = {
  read: "8881",
  readBeforeDelivered: "8882",
  undeliverable: "8883",
  reengagementRequired: "8884",
  throttledBurst: "8885",
  failedReport: "8886",
  noReport: "8887",
  reportThrice: "8888",
  unavailableOnce: "8889",
} as const;

export interface GraphSimulatorOptions {
  host?: string;
  port?: number;
  /** The only bearer token the simulator accepts. */
  accessToken: string;
  /** Signs status webhooks, as Meta signs with the app secret. */
  appSecret: string;
  callbackUrl?: string;
  latencyMs?: number;
  reportDelayMs?: number;
  /** Calls refused with 130429 for a burst test number before it is accepted. */
  throttledCalls?: number;
}

export interface GraphCall {
  phoneNumberId: string;
  payload: Record<string, unknown>;
}

export interface GraphSimulator {
  url: string;
  /** Every accepted-or-refused call, in order; Meta de-duplicates nothing. */
  calls: GraphCall[];
  callsTo(recipient: string): number;
  setCallbackUrl(url: string): void;
  close(): Promise<void>;
}

interface TemplateRequest {
  messaging_product?: string;
  to?: string;
  type?: string;
  template?: { name?: string; language?: { code?: string } };
}

function graphError(code: number, message: string, details: string) {
  return {
    error: {
      message,
      type: "OAuthException",
      code,
      error_data: { messaging_product: "whatsapp", details },
      fbtrace_id: `A${randomBytes(10).toString("base64url")}`,
    },
  };
}

/** Speaks the Cloud API messages endpoint on loopback and posts signed status webhooks. */
export async function startGraphSimulator(options: GraphSimulatorOptions): Promise<GraphSimulator> {
  const calls: GraphCall[] = [];
  const callsByRecipient = new Map<string, number>();
  const webhookAgent = new Agent({ connections: 16 });
  const pending = new Set<Promise<void>>();
  let callbackUrl = options.callbackUrl;
  let closing = false;

  async function postWebhook(body: string, attempt = 1): Promise<void> {
    if (!callbackUrl || closing) return;
    const signature = createHmac("sha256", options.appSecret).update(body).digest("hex");
    try {
      const response = await request(callbackUrl, {
        method: "POST",
        dispatcher: webhookAgent,
        headers: {
          "content-type": "application/json",
          "x-hub-signature-256": `sha256=${signature}`,
        },
        body,
      });
      await response.body.dump();
      if (response.statusCode >= 500) throw new Error("callback unavailable");
    } catch {
      if (attempt >= 5 || closing) return;
      await sleep(200 * 2 ** attempt);
      await postWebhook(body, attempt + 1);
    }
  }

  function statusWebhook(phoneNumberId: string, waId: string, wamid: string, status: string) {
    const timestamp = String(Math.floor(Date.now() / 1000));
    const failed = status === "failed";
    return JSON.stringify({
      object: "whatsapp_business_account",
      entry: [
        {
          id: "102290129340398",
          changes: [
            {
              value: {
                messaging_product: "whatsapp",
                metadata: { display_phone_number: "15550783881", phone_number_id: phoneNumberId },
                statuses: [
                  {
                    id: wamid,
                    status,
                    timestamp,
                    recipient_id: waId,
                    ...(failed
                      ? {
                          errors: [
                            {
                              code: 131026,
                              title: "Message undeliverable",
                              message: "Message undeliverable",
                              error_data: { details: "Message Undeliverable." },
                            },
                          ],
                        }
                      : {
                          conversation: {
                            id: randomBytes(16).toString("hex"),
                            origin: { type: "marketing" },
                          },
                          pricing: { billable: true, pricing_model: "PMP", category: "marketing" },
                        }),
                  },
                ],
              },
              field: "messages",
            },
          ],
        },
      ],
    });
  }

  function scheduleStatuses(phoneNumberId: string, waId: string, wamid: string): void {
    const suffix = waId.slice(-4);
    if (suffix === graphTestNumbers.noReport) return;
    const sequence =
      suffix === graphTestNumbers.read
        ? ["sent", "delivered", "read"]
        : suffix === graphTestNumbers.readBeforeDelivered
          ? ["sent", "read", "delivered"]
          : suffix === graphTestNumbers.failedReport
            ? ["sent", "failed"]
            : ["sent", "delivered"];
    const copies = suffix === graphTestNumbers.reportThrice ? 3 : 1;
    const task = (async () => {
      await sleep(options.reportDelayMs ?? 200);
      for (const status of sequence) {
        const body = statusWebhook(phoneNumberId, waId, wamid, status);
        for (let copy = 0; copy < copies; copy++) await postWebhook(body);
      }
    })();
    pending.add(task);
    void task.finally(() => pending.delete(task));
  }

  const { server, url } = await listenJson(
    options.host ?? "127.0.0.1",
    options.port ?? 0,
    async (req, rawBody, res) => {
      const match = /^\/v\d+\.\d+\/(\d{5,20})\/messages$/.exec(req.url ?? "");
      if (req.method !== "POST" || !match?.[1]) {
        return sendJson(res, 400, graphError(100, "Unsupported post request.", "Unknown path"));
      }
      if (req.headers.authorization !== `Bearer ${options.accessToken}`) {
        return sendJson(
          res,
          401,
          graphError(190, "Invalid OAuth access token - Cannot parse access token", "Bad token"),
        );
      }
      if (options.latencyMs) await sleep(options.latencyMs);

      let payload: TemplateRequest & Record<string, unknown>;
      try {
        payload = JSON.parse(rawBody);
      } catch {
        return sendJson(res, 400, graphError(100, "Invalid parameter", "Body is not JSON"));
      }
      const phoneNumberId = match[1];
      calls.push({ phoneNumberId, payload });
      const to = String(payload.to ?? "");
      if (
        payload.messaging_product !== "whatsapp" ||
        payload.type !== "template" ||
        !payload.template?.name ||
        !payload.template.language?.code ||
        !/^\d{7,15}$/.test(to)
      ) {
        return sendJson(res, 400, graphError(100, "Invalid parameter", "Missing template fields"));
      }
      const seen = (callsByRecipient.get(to) ?? 0) + 1;
      callsByRecipient.set(to, seen);

      const suffix = to.slice(-4);
      if (suffix === graphTestNumbers.undeliverable) {
        return sendJson(
          res,
          400,
          graphError(131026, "Message undeliverable", "Recipient cannot receive this message"),
        );
      }
      if (suffix === graphTestNumbers.reengagementRequired) {
        return sendJson(
          res,
          400,
          graphError(131047, "Re-engagement message", "More than 24 hours since last reply"),
        );
      }
      if (suffix === graphTestNumbers.throttledBurst && seen <= (options.throttledCalls ?? 2)) {
        return sendJson(
          res,
          429,
          graphError(130429, "Rate limit hit", "Cloud API message throughput has been reached"),
        );
      }
      if (suffix === graphTestNumbers.unavailableOnce && seen === 1) {
        return sendJson(res, 500, graphError(1, "An unknown error occurred", "Try again"));
      }

      const wamid = `wamid.${randomBytes(24).toString("base64url")}`;
      sendJson(res, 200, {
        messaging_product: "whatsapp",
        contacts: [{ input: to, wa_id: to }],
        messages: [{ id: wamid, message_status: "accepted" }],
      });
      scheduleStatuses(phoneNumberId, to, wamid);
    },
  );

  return {
    url,
    calls,
    callsTo: (recipient) => callsByRecipient.get(recipient.replace(/^\+/, "")) ?? 0,
    setCallbackUrl: (next) => {
      callbackUrl = next;
    },
    close: async () => {
      closing = true;
      await closeServer(server);
      await Promise.allSettled([...pending]);
      await webhookAgent.close();
    },
  };
}

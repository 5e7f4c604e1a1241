import { randomBytes } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request } from "undici";
import { closeServer, listenJson, sendJson } from "./http-json.ts";

/**
 * Outcomes chosen by the last four digits of the number, so tests and demos can ask for
 * each path of the pipeline by picking a recipient.
 */
export const elfoTestNumbers = {
  invalid: "9990",
  reportFailed: "9991",
  throttledOnce: "9992",
  unavailableOnce: "9993",
  noReport: "9994",
  reportTwice: "9995",
} as const;

export interface ElfoSimulatorOptions {
  host?: string;
  port?: number;
  apiKey: string;
  /** Where delivery reports are posted; reports are skipped while it is unset. */
  callbackUrl?: string;
  latencyMs?: number;
  reportDelayMs?: number;
  reports?: boolean;
}

export interface ElfoSimulator {
  url: string;
  /** How many send calls each reference received, to check nothing is sent twice. */
  callsByReference: Map<string, number>;
  acceptedCount(): number;
  setCallbackUrl(url: string): void;
  close(): Promise<void>;
}

interface SendBody {
  shortcode?: string;
  msisdn?: string;
  message?: string;
  reference?: string;
}

/** Speaks the Elfo HTTP API on loopback and posts delivery reports like the gateway does. */
export async function startElfoSimulator(options: ElfoSimulatorOptions): Promise<ElfoSimulator> {
  const smsIdByReference = new Map<string, string>();
  const callsByReference = new Map<string, number>();
  const reportAgent = new Agent({ connections: 16 });
  const pendingReports = new Set<Promise<void>>();
  let callbackUrl = options.callbackUrl;
  let accepted = 0;
  let closing = false;

  async function postReport(payload: Record<string, unknown>, attempt = 1): Promise<void> {
    if (!callbackUrl || closing) return;
    try {
      const response = await request(callbackUrl, {
        method: "POST",
        dispatcher: reportAgent,
        headers: { authorization: options.apiKey, "content-type": "application/json" },
        body: JSON.stringify(payload),
      });
      await response.body.dump();
      if (response.statusCode >= 500 && attempt < 5) throw new Error("callback unavailable");
    } catch {
      if (attempt >= 5 || closing) return;
      await sleep(200 * 2 ** attempt);
      await postReport(payload, attempt + 1);
    }
  }

  function scheduleReport(smsId: string, suffix: string): void {
    if (options.reports === false || suffix === elfoTestNumbers.noReport) return;
    const failed = suffix === elfoTestNumbers.reportFailed;
    const payload = failed
      ? { sms_id: smsId, status: "FAILED", error_code: "UNDELIV", error: "Handset unreachable" }
      : { sms_id: smsId, status: "DELIVERED" };
    const copies = suffix === elfoTestNumbers.reportTwice ? 2 : 1;
    const task = (async () => {
      await sleep(options.reportDelayMs ?? 200);
      for (let copy = 0; copy < copies; copy++) await postReport(payload);
    })();
    pendingReports.add(task);
    void task.finally(() => pendingReports.delete(task));
  }

  const { server, url } = await listenJson(
    options.host ?? "127.0.0.1",
    options.port ?? 0,
    async (req, rawBody, res) => {
      if (req.method !== "POST" || req.url !== "/v1/sms/send") {
        return sendJson(res, 404, { status: "ERROR", error_code: 404, error: "Not found" });
      }
      if (req.headers.authorization !== `Bearer ${options.apiKey}`) {
        return sendJson(res, 200, {
          status: "ERROR",
          error_code: 1001,
          error: "Authentication failed",
        });
      }
      if (options.latencyMs) await sleep(options.latencyMs);

      let body: SendBody;
      try {
        body = JSON.parse(rawBody) as SendBody;
      } catch {
        return sendJson(res, 200, {
          status: "ERROR",
          error_code: 1000,
          error: "Malformed request",
        });
      }
      const msisdn = body.msisdn ?? "";
      const reference = body.reference ?? "";
      if (!/^\d{8,15}$/.test(msisdn) || !body.message || !reference) {
        return sendJson(res, 200, { status: "ERROR", error_code: 1000, error: "Missing fields" });
      }

      const calls = (callsByReference.get(reference) ?? 0) + 1;
      callsByReference.set(reference, calls);
      const known = smsIdByReference.get(reference);
      if (known) return sendJson(res, 200, { status: "OK", sms_id: known });

      const suffix = msisdn.slice(-4);
      if (suffix === elfoTestNumbers.invalid) {
        return sendJson(res, 200, { status: "ERROR", error_code: 1003, error: "Invalid MSISDN" });
      }
      if (suffix === elfoTestNumbers.throttledOnce && calls === 1) {
        return sendJson(res, 200, { status: "ERROR", error_code: 1005, error: "Throttled" });
      }
      if (suffix === elfoTestNumbers.unavailableOnce && calls === 1) {
        return sendJson(res, 503, { error: "Service unavailable" });
      }

      const smsId = `ELF${randomBytes(9).toString("hex").toUpperCase()}`;
      smsIdByReference.set(reference, smsId);
      accepted += 1;
      sendJson(res, 200, { status: "OK", sms_id: smsId });
      scheduleReport(smsId, suffix);
    },
  );

  return {
    url,
    callsByReference,
    acceptedCount: () => accepted,
    setCallbackUrl: (next) => {
      callbackUrl = next;
    },
    close: async () => {
      closing = true;
      await closeServer(server);
      await Promise.allSettled([...pendingReports]);
      await reportAgent.close();
    },
  };
}

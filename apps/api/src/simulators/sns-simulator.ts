import { randomBytes, randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";
import { Agent, request } from "undici";
import { type SnsEnvelope, signSnsMessage } from "../channels/sns-signature.ts";
import { closeServer, listenJson } from "./http-json.ts";
import { bareAddress, mailboxOf, type StoredEmail, sesEvents } from "./ses-events.ts";
import { snsSimulatorCertificatePem } from "./sns-certificate.ts";

/**
 * What happens to a message, chosen by the recipient's local part (before any `+tag`), so
 * tests and demos can ask for each path: `bounce@…`, `softbounce@…`, `complaint@…`,
 * `latebounce@…` (delivered, then a hard bounce), `noreport@…`; anything else is delivered.
 */
export const sesTestMailboxes = {
  bounce: "bounce",
  softBounce: "softbounce",
  complaint: "complaint",
  lateBounce: "latebounce",
  noReport: "noreport",
} as const;

/** Test-only key; see certs/README.md. */
const privateKeyPem = readFileSync(
  new URL("./certs/sns-simulator.test-only.key.pem", import.meta.url),
  "utf8",
);

export interface SnsSimulatorOptions {
  host?: string;
  port?: number;
  /** The SES emulator whose sent mail is turned into notifications. */
  sesUrl: string;
  topicArn: string;
  callbackUrl?: string;
  reportDelayMs?: number;
  pollMs?: number;
  signatureVersion?: "1" | "2";
}

export interface SnsSimulator {
  url: string;
  /** `host:port` serving the signing certificate. */
  certHost: string;
  certUrl: string;
  topicArn: string;
  /** Subscription tokens confirmed through the simulated `SubscribeURL`. */
  confirmedTokens: Set<string>;
  setCallbackUrl(url: string): void;
  /** A signed SNS notification carrying `event`, as SNS would post it. */
  envelope(event: Record<string, unknown>, overrides?: Partial<SnsEnvelope>): SnsEnvelope;
  /** Signs any SNS message with the simulator's test-only key. */
  sign(message: Omit<SnsEnvelope, "Signature">): SnsEnvelope;
  /** A signed subscription confirmation for the simulator's topic. */
  subscriptionConfirmation(): SnsEnvelope;
  /** Posts an SNS message to the callback URL with SNS's headers; returns the status. */
  post(message: SnsEnvelope | Record<string, unknown>): Promise<number>;
  close(): Promise<void>;
}

/**
 * Plays SNS for SES notifications: watches the SES emulator's store for sent mail and
 * posts signed Delivery, Bounce and Complaint notifications for it, with the emulator's
 * real message ids. It also serves its signing certificate and a `SubscribeURL`.
 */
export async function startSnsSimulator(options: SnsSimulatorOptions): Promise<SnsSimulator> {
  const agent = new Agent({ connections: 16 });
  const confirmedTokens = new Set<string>();
  const seen = new Set<string>();
  const pending = new Set<Promise<void>>();
  let callbackUrl = options.callbackUrl;
  let closing = false;
  let since = Math.floor(Date.now() / 1000) - 1;
  const version = options.signatureVersion ?? "1";

  const { server, url } = await listenJson(
    options.host ?? "127.0.0.1",
    options.port ?? 0,
    async (req, _body, res) => {
      const target = new URL(req.url ?? "/", "http://simulator");
      if (req.method === "GET" && target.pathname === "/SimpleNotificationService-test.pem") {
        res.writeHead(200, { "content-type": "application/x-pem-file" });
        res.end(snsSimulatorCertificatePem);
        return;
      }
      const action = target.searchParams.get("Action");
      if (req.method === "GET" && target.pathname === "/" && action === "ConfirmSubscription") {
        confirmedTokens.add(target.searchParams.get("Token") ?? "");
        res.writeHead(200, { "content-type": "text/xml" });
        res.end(
          [
            "<ConfirmSubscriptionResponse><ConfirmSubscriptionResult>",
            `<SubscriptionArn>${options.topicArn}:${randomUUID()}</SubscriptionArn>`,
            "</ConfirmSubscriptionResult></ConfirmSubscriptionResponse>",
          ].join(""),
        );
        return;
      }
      res.writeHead(404, { "content-type": "text/xml" });
      res.end("<ErrorResponse><Error><Code>NotFound</Code></Error></ErrorResponse>");
    },
  );
  const certHost = new URL(url).host;
  const certUrl = `${url}/SimpleNotificationService-test.pem`;

  function envelope(
    event: Record<string, unknown>,
    overrides: Partial<SnsEnvelope> = {},
  ): SnsEnvelope {
    const base = {
      Type: "Notification" as const,
      MessageId: randomUUID(),
      TopicArn: options.topicArn,
      Message: JSON.stringify(event),
      Timestamp: new Date().toISOString(),
      SignatureVersion: version,
      SigningCertURL: certUrl,
      UnsubscribeURL: `${url}/?Action=Unsubscribe&SubscriptionArn=${options.topicArn}:sim`,
      ...overrides,
    };
    return signSnsMessage(base, privateKeyPem);
  }

  function subscriptionConfirmation(): SnsEnvelope {
    const token = randomBytes(32).toString("hex");
    const topic = encodeURIComponent(options.topicArn);
    return signSnsMessage(
      {
        Type: "SubscriptionConfirmation",
        MessageId: randomUUID(),
        Token: token,
        TopicArn: options.topicArn,
        Message:
          `You have chosen to subscribe to the topic ${options.topicArn}.\n` +
          "To confirm the subscription, visit the SubscribeURL included in this message.",
        SubscribeURL: `${url}/?Action=ConfirmSubscription&TopicArn=${topic}&Token=${token}`,
        Timestamp: new Date().toISOString(),
        SignatureVersion: version,
        SigningCertURL: certUrl,
      },
      privateKeyPem,
    );
  }

  async function post(message: SnsEnvelope | Record<string, unknown>, attempt = 1) {
    if (!callbackUrl) return 0;
    try {
      const response = await request(callbackUrl, {
        method: "POST",
        dispatcher: agent,
        headers: {
          "content-type": "text/plain; charset=UTF-8",
          "x-amz-sns-message-type": String(message.Type ?? ""),
          "x-amz-sns-message-id": String(message.MessageId ?? ""),
          "x-amz-sns-topic-arn": String(message.TopicArn ?? ""),
          "user-agent": "Amazon Simple Notification Service Agent",
        },
        body: JSON.stringify(message),
      });
      await response.body.dump();
      if (response.statusCode >= 500 && attempt < 5 && !closing) {
        await sleep(200 * 2 ** attempt);
        return await post(message, attempt + 1);
      }
      return response.statusCode;
    } catch {
      if (attempt >= 5 || closing) return 0;
      await sleep(200 * 2 ** attempt);
      return await post(message, attempt + 1);
    }
  }

  function schedule(email: StoredEmail): void {
    const recipients = email.destination.to.map(bareAddress);
    const events: Record<string, unknown>[] = [];
    for (const recipient of recipients) {
      const mailbox = mailboxOf(recipient);
      if (mailbox === sesTestMailboxes.noReport) continue;
      if (mailbox === sesTestMailboxes.bounce) {
        events.push(sesEvents.bounce(email, [recipient], true));
      } else if (mailbox === sesTestMailboxes.softBounce) {
        events.push(sesEvents.bounce(email, [recipient], false));
      } else if (mailbox === sesTestMailboxes.complaint) {
        events.push(sesEvents.delivery(email, [recipient]));
        events.push(sesEvents.complaint(email, [recipient]));
      } else if (mailbox === sesTestMailboxes.lateBounce) {
        events.push(sesEvents.delivery(email, [recipient]));
        events.push(sesEvents.bounce(email, [recipient], true));
      } else {
        events.push(sesEvents.delivery(email, [recipient]));
      }
    }
    if (events.length === 0) return;
    const task = (async () => {
      for (const event of events) {
        await sleep(options.reportDelayMs ?? 200);
        if (closing) return;
        await post(envelope(event));
      }
    })();
    pending.add(task);
    void task.finally(() => pending.delete(task));
  }

  async function poll(): Promise<void> {
    try {
      const response = await request(`${options.sesUrl}/store?since=${since}`, {
        dispatcher: agent,
      });
      const store = (await response.body.json()) as { emails?: StoredEmail[] };
      for (const email of store.emails ?? []) {
        if (seen.has(email.messageId)) continue;
        seen.add(email.messageId);
        // Mail of the last second may still be joined by more; look back one second.
        since = Math.max(since, email.at - 1);
        schedule(email);
      }
    } catch {
      // The emulator is starting or stopping; the next poll tries again.
    }
  }

  const pollMs = options.pollMs ?? 100;
  let timer: NodeJS.Timeout | undefined;
  const loop = async () => {
    await poll();
    if (!closing) timer = setTimeout(loop, pollMs);
  };
  timer = setTimeout(loop, pollMs);

  return {
    url,
    certHost,
    certUrl,
    topicArn: options.topicArn,
    confirmedTokens,
    setCallbackUrl: (next) => {
      callbackUrl = next;
    },
    envelope,
    sign: (message) => signSnsMessage(message, privateKeyPem),
    subscriptionConfirmation,
    post: (message) => post(message),
    close: async () => {
      closing = true;
      if (timer) clearTimeout(timer);
      await closeServer(server);
      await Promise.allSettled([...pending]);
      await agent.close();
    },
  };
}

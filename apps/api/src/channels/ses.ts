import { SESClient, SendEmailCommand } from "@aws-sdk/client-ses";
import type { EmailProvider, EmailSendRequest } from "./email-provider.ts";
import { permanentFailure, type SendResult, transientFailure } from "./send-result.ts";

export interface SesSettings {
  /** Unset, the SDK picks the region's SES endpoint. */
  endpoint?: string | undefined;
  region: string;
  /** Unset, the SDK's default credential chain applies (environment, profile, role). */
  credentials?: { accessKeyId: string; secretAccessKey: string } | undefined;
  configurationSet?: string | undefined;
  timeoutMs: number;
}

/** SES errors worth retrying: the account is over its rate or SES itself is unwell. */
const transientNames = new Set([
  "Throttling",
  "ThrottlingException",
  "MaxSendRateExceeded",
  "TooManyRequestsException",
  "ServiceUnavailable",
  "ServiceUnavailableException",
  "InternalFailure",
  "RequestTimeout",
  "RequestTimeoutException",
  "AccountSendingPausedException",
  "ConfigurationSetSendingPausedException",
  "TimeoutError",
]);

interface SdkError {
  name?: string;
  message?: string;
  $fault?: string;
  $metadata?: { httpStatusCode?: number };
  $retryable?: unknown;
}

/**
 * Sorts an SES failure into retry-later or give-up. Rate limits, server faults and network
 * trouble pass; a rejection of the message or its sender (`MessageRejected`,
 * `MailFromDomainNotVerified`, an invalid address) will fail the same way every time.
 */
export function classifySesError(error: unknown): SendResult {
  const failure = (typeof error === "object" && error !== null ? error : {}) as SdkError;
  const name = failure.name ?? "Error";
  const message = (failure.message ?? "SES request failed").slice(0, 500);
  const status = failure.$metadata?.httpStatusCode;
  const code = `ses_${name}`;
  if (transientNames.has(name) || /maximum sending rate/i.test(message)) {
    return transientFailure(code, message);
  }
  if (status === undefined || status >= 500 || status === 429 || failure.$retryable) {
    // No HTTP status means the request never got an answer: a timeout or a lost connection.
    return transientFailure(code, message);
  }
  return permanentFailure(code, message);
}

/** Display names outside printable ASCII go as an RFC 2047 encoded word. */
export function formatFromAddress(address: string, displayName: string | null): string {
  if (!displayName) return address;
  if (/^[\x20-\x7e]*$/.test(displayName)) {
    return `"${displayName.replace(/["\\]/g, (char) => `\\${char}`)}" <${address}>`;
  }
  return `=?UTF-8?B?${Buffer.from(displayName, "utf8").toString("base64")}?= <${address}>`;
}

/**
 * SES v1 `SendEmail`, one message per recipient so each gets its own rendering and its own
 * SES message id, which is what bounce and delivery notifications name. A send job still
 * batches: it sends a whole chunk of recipients, many calls in flight at the account's rate.
 * Limitation: `SendBulkTemplatedEmail` (50 recipients a call) is not used; it needs each
 * template stored in SES, and the local SES emulator cannot store v1 templates.
 */
export function createSesProvider(settings: SesSettings): EmailProvider {
  const client = new SESClient({
    region: settings.region,
    ...(settings.endpoint ? { endpoint: settings.endpoint } : {}),
    ...(settings.credentials ? { credentials: settings.credentials } : {}),
    // Retries belong to the job queue, which backs off and records each attempt.
    maxAttempts: 1,
    requestHandler: {
      requestTimeout: settings.timeoutMs,
      connectionTimeout: settings.timeoutMs,
    },
  });

  async function send(request: EmailSendRequest): Promise<SendResult> {
    try {
      const output = await client.send(
        new SendEmailCommand({
          Source: formatFromAddress(request.from, request.fromName),
          Destination: { ToAddresses: [request.to] },
          Message: {
            Subject: { Data: request.subject, Charset: "UTF-8" },
            Body: {
              ...(request.text ? { Text: { Data: request.text, Charset: "UTF-8" } } : {}),
              ...(request.html ? { Html: { Data: request.html, Charset: "UTF-8" } } : {}),
            },
          },
          Tags: [{ Name: "teekrr-message", Value: request.reference }],
          ...(settings.configurationSet ? { ConfigurationSetName: settings.configurationSet } : {}),
        }),
      );
      if (!output.MessageId) return transientFailure("ses_no_message_id", "SES gave no message id");
      return { kind: "accepted", providerMessageId: output.MessageId };
    } catch (error) {
      return classifySesError(error);
    }
  }

  return { name: "ses", send };
}

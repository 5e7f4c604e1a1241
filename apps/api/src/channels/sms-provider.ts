import type { SendResult } from "./send-result.ts";

export interface SmsSendRequest {
  /** Our message id; the gateway de-duplicates on it, so a retried send is not sent twice. */
  reference: string;
  /** E.164 number. */
  to: string;
  text: string;
}

export interface SmsProvider {
  readonly name: string;
  send(request: SmsSendRequest): Promise<SendResult>;
}

import type { SendResult } from "./send-result.ts";

export interface EmailSendRequest {
  /** Our message id, sent as a message tag so notifications can be traced back. */
  reference: string;
  from: string;
  fromName: string | null;
  to: string;
  subject: string;
  text: string;
  html: string;
}

export interface EmailProvider {
  readonly name: string;
  send(request: EmailSendRequest): Promise<SendResult>;
}

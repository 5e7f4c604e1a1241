import type { MetaComponent } from "../domain/whatsapp/components.ts";
import type { SendResult } from "./send-result.ts";

export interface WhatsAppTemplateSend {
  /** Our message id, for logs; Meta has no idempotency key to carry it. */
  reference: string;
  /** E.164 number. */
  to: string;
  sender: { phoneNumberId: string; accessToken: string };
  template: { name: string; language: string; components: MetaComponent[] };
}

export interface WhatsAppProvider {
  readonly name: string;
  send(message: WhatsAppTemplateSend): Promise<SendResult>;
}

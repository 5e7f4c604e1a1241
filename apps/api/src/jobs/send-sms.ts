import type { Platform } from "../platform.ts";
import type { SendOne } from "./send-chunk.ts";

/** Sends one SMS through the gateway that matches the broadcast's mode. */
export function smsSender(platform: Platform): SendOne {
  return async (message, broadcast) => {
    const provider = broadcast.livemode
      ? platform.providers.sms.live
      : platform.providers.sms.sandbox;
    return await provider.send({
      reference: message.id,
      to: message.recipient,
      text: message.content ?? broadcast.content ?? "",
    });
  };
}

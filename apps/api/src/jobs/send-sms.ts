import type { Platform } from "../platform.ts";
import type { SendOne } from "./send-chunk.ts";
import { sendPacers } from "./send-pacers.ts";

/**
 * Sends one SMS through the gateway that matches the broadcast's mode, paced to
 * `ELFO_MESSAGES_PER_SECOND` per gateway account across every worker.
 */
export function smsSender(platform: Platform): SendOne {
  const pacer = sendPacers(platform).sms;
  return async (message, broadcast) => {
    const mode = broadcast.livemode ? "live" : "sandbox";
    await pacer.take(`elfo:${mode}`);
    return await platform.providers.sms[mode].send({
      reference: message.id,
      to: message.recipient,
      text: message.content ?? broadcast.content ?? "",
    });
  };
}

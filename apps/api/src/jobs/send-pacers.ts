import type { Channel } from "@teekrr/shared";
import { createSendPacer, type SendPacer } from "../domain/send-pacing.ts";
import type { Platform } from "../platform.ts";

/**
 * One pacer per channel per process, shared by every send job of that process, so the
 * permits one job claimed are not wasted while another job waits for its own.
 */
const pacersByPlatform = new WeakMap<Platform, Record<Channel, SendPacer>>();

export function sendPacers(platform: Platform): Record<Channel, SendPacer> {
  let pacers = pacersByPlatform.get(platform);
  if (!pacers) {
    const { db } = platform.database;
    const { config } = platform;
    pacers = {
      sms: createSendPacer(db, config.ELFO_MESSAGES_PER_SECOND),
      whatsapp: createSendPacer(db, config.WHATSAPP_MESSAGES_PER_SECOND),
      email: createSendPacer(db, config.SES_MAX_SEND_RATE),
    };
    pacersByPlatform.set(platform, pacers);
  }
  return pacers;
}

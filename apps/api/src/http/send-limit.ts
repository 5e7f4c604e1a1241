import type { FastifyReply } from "fastify";
import type { TransactionStep } from "../domain/broadcasts/caller.ts";
import {
  consumeRateLimit,
  peekRateLimit,
  type RateLimitRule,
  rateLimitHeaders,
  readRateLimit,
} from "../domain/rate-limit.ts";
import type { Platform } from "../platform.ts";

export function sendRule(platform: Platform, bucket: string): RateLimitRule {
  const { config } = platform;
  const limit =
    bucket === "whatsapp.test" ? config.WHATSAPP_TEST_RATE_LIMIT : config.SEND_RATE_LIMIT;
  return { bucket, limit, windowSeconds: config.RATE_LIMIT_WINDOW_SECONDS };
}

/**
 * Refuses early when the client's window is spent, and returns the step that counts this
 * request inside the transaction that accepts it. The headers always describe the state
 * the client will see next.
 */
export async function withSendLimit(
  platform: Platform,
  reply: FastifyReply,
  clientId: string,
  bucket: string,
): Promise<{ consume: TransactionStep }> {
  const rule = sendRule(platform, bucket);
  const state = await peekRateLimit(platform.database.db, clientId, rule);
  reply.headers(rateLimitHeaders(state));
  return {
    consume: async ({ tx }) => {
      reply.headers(rateLimitHeaders(await consumeRateLimit(tx, clientId, rule)));
    },
  };
}

/**
 * The limit's headers for an answer that counts nothing, such as a replayed response: a
 * replay is never refused, even when the window is spent, because it creates nothing.
 */
export async function describeSendLimit(
  platform: Platform,
  reply: FastifyReply,
  clientId: string,
  bucket: string,
): Promise<void> {
  const state = await readRateLimit(platform.database.db, clientId, sendRule(platform, bucket));
  reply.headers(rateLimitHeaders(state));
}

import { AppError, type Channel, channelLabels } from "@teekrr/shared";
import type { Platform } from "../../platform.ts";

export function requireChannel(client: { channels: string[] }, channel: Channel): void {
  if (!client.channels.includes(channel)) {
    throw new AppError(
      "channel_not_subscribed",
      `Client does not have an active ${channelLabels[channel]} channel subscription`,
    );
  }
}

export function checkRecipientLimit(
  platform: Platform,
  body: { recipients?: unknown[] | undefined; recipientVariables?: unknown[] | undefined },
): void {
  const limit = platform.config.MAX_RECIPIENTS;
  const field = body.recipients ? "recipients" : "recipientVariables";
  const count = body.recipients?.length ?? body.recipientVariables?.length ?? 0;
  if (count > limit) {
    throw new AppError("validation_failed", undefined, [
      { field, message: `At most ${limit} recipients are allowed per request` },
    ]);
  }
}

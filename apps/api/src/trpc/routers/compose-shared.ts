import { z } from "zod";
import { type Actor, recordAudit } from "../../domain/audit.ts";
import type { Caller } from "../../domain/broadcasts/caller.ts";
import type { Platform } from "../../platform.ts";

/** Recipient rows as the console builds them from pasted text or a CSV file. */
export const recipientRows = z.array(z.record(z.string(), z.string().max(1000))).max(100_000);

export const scheduledAt = z.iso.datetime({ offset: true }).optional();

/** Console sends are live: they use the real gateways and are charged. */
export function consoleCaller(clientId: string): Caller {
  return { clientId, apiKeyId: null, livemode: true };
}

/** A broadcast started by a person is audited with what it queued and reserved. */
export async function auditBroadcast(
  context: { platform: Platform; actor: Actor; clientId: string },
  action: "broadcast.create" | "broadcast.test_send",
  broadcastUuid: string,
  after: Record<string, unknown>,
): Promise<void> {
  await recordAudit(context.platform.database.db, context.actor, {
    clientId: context.clientId,
    action,
    targetType: "broadcast",
    targetId: broadcastUuid,
    after,
  });
}

/** The REST body of a channel, passed through whole and validated by the same schema. */
export const channelBody = z.object({ body: z.record(z.string(), z.unknown()) });

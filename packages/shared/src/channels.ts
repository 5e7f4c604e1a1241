export const channels = ["sms", "whatsapp", "email"] as const;
export type Channel = (typeof channels)[number];

export const channelLabels: Record<Channel, string> = {
  sms: "SMS",
  whatsapp: "WhatsApp",
  email: "Email",
};

/** Every message status, in lifecycle order; terminal statuses share the last ranks. */
export const messageStatuses = [
  "pending",
  "enqueued",
  "send",
  "sent",
  "delivered",
  "read",
  "failed",
  "bounced",
] as const;
export type MessageStatus = (typeof messageStatuses)[number];

/**
 * How far along its lifecycle each status is. A report is applied only when it moves a
 * message to a higher rank, which makes late, repeated and reordered reports harmless.
 * `read` outranks `delivered` because a read message was delivered; `bounced` outranks
 * everything because SES can report a hard bounce after a delivery.
 */
export const statusRank: Record<MessageStatus, number> = {
  pending: 0,
  enqueued: 1,
  send: 2,
  sent: 2,
  delivered: 3,
  failed: 3,
  read: 4,
  bounced: 5,
};

export const lifecycles: Record<Channel, readonly MessageStatus[]> = {
  sms: ["pending", "enqueued", "send", "delivered", "failed"],
  whatsapp: ["pending", "enqueued", "sent", "delivered", "read", "failed"],
  email: ["pending", "enqueued", "send", "delivered", "failed", "bounced"],
};

/** The status a channel uses once its provider has accepted a message. */
export const acceptedStatus: Record<Channel, MessageStatus> = {
  sms: "send",
  whatsapp: "sent",
  email: "send",
};

export const terminalStatuses: readonly MessageStatus[] = [
  "delivered",
  "read",
  "failed",
  "bounced",
];

export const broadcastStatuses = [
  "scheduled",
  "queued",
  "sending",
  "completed",
  "cancelled",
] as const;
export type BroadcastStatus = (typeof broadcastStatuses)[number];

/**
 * The statuses a message may be in for a move to `to` to apply. Only forward moves are
 * allowed, and `failed` and `read` end a message, except that an email that failed or was
 * delivered can still end `bounced`.
 */
export function predecessorsOf(channel: Channel, to: MessageStatus): MessageStatus[] {
  const lifecycle = lifecycles[channel];
  if (!lifecycle.includes(to)) return [];
  return lifecycle.filter((from) => {
    if (statusRank[from] >= statusRank[to]) return false;
    if (from === "failed" || from === "read") return to === "bounced";
    return true;
  });
}

import type { TransactionScope } from "@teekrr/db";

/** Who is sending: the client and, for REST calls, the key. */
export interface Caller {
  clientId: string;
  apiKeyId: string | null;
  /** Sandbox callers run on the simulators and are never charged. */
  livemode: boolean;
}

/** Extra work that must commit or roll back with the broadcast, such as a rate-limit count. */
export type TransactionStep = (scope: TransactionScope) => Promise<void>;

export interface BroadcastAccepted {
  broadcastUuid: string;
  queued: number;
  scheduledAt: string | null;
  reserved: number;
  duplicates: number;
  status: "queued" | "scheduled";
}

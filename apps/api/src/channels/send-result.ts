/**
 * What a provider did with one message. Adapters return this instead of throwing, so a
 * worker can record each outcome on its message and decide about retries in one place.
 */
export type SendResult =
  | { kind: "accepted"; providerMessageId: string }
  | { kind: "transient"; code: string; message: string }
  | { kind: "permanent"; code: string; message: string };

export function transientFailure(code: string, message: string): SendResult {
  return { kind: "transient", code, message };
}

export function permanentFailure(code: string, message: string): SendResult {
  return { kind: "permanent", code, message };
}

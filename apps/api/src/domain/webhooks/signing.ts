import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import { randomBase62, sha256Hex } from "../secrets.ts";

/**
 * A new endpoint secret; only its SHA-256 is stored. Its prefix differs from the `whsec_`
 * of the Standard Webhooks key, so nobody hands a library the wrong one of the two.
 */
export function generateWebhookSecret(): { secret: string; secretHash: string } {
  const secret = `tkwh_${randomBase62(32)}`;
  return { secret, secretHash: sha256Hex(secret) };
}

/**
 * The Standard Webhooks key is the 32 bytes of the secret's SHA-256, so it can be derived
 * from what is stored; libraries take it base64-encoded behind a `whsec_` prefix.
 */
export function standardWebhooksSecret(secretHash: string): string {
  return `whsec_${Buffer.from(secretHash, "hex").toString("base64")}`;
}

/**
 * Signing keys by stored hash. Turning a hash into an HMAC key costs more than the HMAC of
 * a small body, and every delivery to an endpoint uses the same two keys.
 */
const signingKeys = new Map<string, { published: KeyObject; standard: KeyObject }>();
const maxSigningKeys = 1024;

function keysFor(secretHash: string) {
  let keys = signingKeys.get(secretHash);
  if (!keys) {
    if (signingKeys.size >= maxSigningKeys) signingKeys.clear();
    keys = {
      published: createSecretKey(Buffer.from(secretHash, "latin1")),
      standard: createSecretKey(Buffer.from(secretHash, "hex")),
    };
    signingKeys.set(secretHash, keys);
  }
  return keys;
}

/** The published scheme: HMAC-SHA256 of the raw body, keyed with the hex SHA-256 of the secret. */
export function teekrrSignature(secretHash: string, body: string): string {
  return createHmac("sha256", keysFor(secretHash).published).update(body).digest("hex");
}

/** Standard Webhooks: `v1,` and the base64 HMAC of `id.timestamp.body` under the 32-byte key. */
export function standardSignature(
  secretHash: string,
  id: string,
  timestamp: number,
  body: string,
): string {
  const digest = createHmac("sha256", keysFor(secretHash).standard)
    .update(`${id}.${timestamp}.${body}`)
    .digest("base64");
  return `v1,${digest}`;
}

export interface SignedDelivery {
  deliveryId: string;
  event: string;
  body: string;
  /** Newest first; every hash still inside its rotation window. */
  secretHashes: string[];
  timestamp: number;
}

/**
 * Headers of one attempt. Both signature headers carry one signature per live secret,
 * newest first: outside a rotation that is a single value, as the published recipe
 * expects, and during one a receiver still holding the old secret keeps verifying while
 * one that already holds the new secret does too.
 */
export function signatureHeaders(delivery: SignedDelivery): Record<string, string> {
  if (delivery.secretHashes.length === 0) {
    throw new Error("a delivery needs at least one signing secret");
  }
  return {
    "content-type": "application/json",
    "user-agent": "Teekrr-Webhooks/1.0",
    "x-teekrr-event": delivery.event,
    "x-teekrr-signature": delivery.secretHashes
      .map((hash) => teekrrSignature(hash, delivery.body))
      .join(","),
    "webhook-id": delivery.deliveryId,
    "webhook-timestamp": String(delivery.timestamp),
    "webhook-signature": delivery.secretHashes
      .map((hash) =>
        standardSignature(hash, delivery.deliveryId, delivery.timestamp, delivery.body),
      )
      .join(" "),
  };
}

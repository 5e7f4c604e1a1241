import type { AuthenticatedKey } from "../domain/api-keys.ts";
import type { Actor } from "../domain/audit.ts";

/** Changes made over REST are audited under the key that made them. */
export function keyActor(key: AuthenticatedKey): Actor {
  return { name: `api key ${key.keyId}` };
}

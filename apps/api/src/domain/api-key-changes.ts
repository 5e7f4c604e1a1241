import type { Executor } from "@teekrr/db";
import {
  type ApiScope,
  createApiKey,
  type NewApiKey,
  revokeApiKey,
  rotateApiKey,
} from "./api-keys.ts";
import { type Actor, recordAudit } from "./audit.ts";

/** What the audit log keeps of a key: never its hash. */
function describeKey(key: {
  id: string;
  name: string;
  displayPrefix: string;
  scopes: string[];
  ipAllowlist: string[];
  expiresAt: Date | null;
  revokedAt: Date | null;
}) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.displayPrefix,
    scopes: key.scopes,
    ipAllowlist: key.ipAllowlist,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
  };
}

export async function createKeyByPerson(db: Executor, actor: Actor, input: NewApiKey) {
  const created = await createApiKey(db, input);
  await recordAudit(db, actor, {
    clientId: input.clientId,
    action: "api_key.create",
    targetType: "api_key",
    targetId: created.apiKey.id,
    after: describeKey(created.apiKey),
  });
  return created;
}

export async function rotateKeyByPerson(
  db: Executor,
  actor: Actor,
  clientId: string,
  keyId: string,
  graceHours?: number,
) {
  const rotated = await rotateApiKey(db, clientId, keyId, graceHours);
  await recordAudit(db, actor, {
    clientId,
    action: "api_key.rotate",
    targetType: "api_key",
    targetId: keyId,
    before: { id: keyId },
    after: {
      successor: describeKey(rotated.apiKey),
      previousKeyExpiresAt: rotated.previousKeyExpiresAt.toISOString(),
    },
  });
  return rotated;
}

export async function revokeKeyByPerson(
  db: Executor,
  actor: Actor,
  clientId: string,
  keyId: string,
) {
  const row = await revokeApiKey(db, clientId, keyId);
  await recordAudit(db, actor, {
    clientId,
    action: "api_key.revoke",
    targetType: "api_key",
    targetId: keyId,
    after: describeKey(row),
  });
  return row;
}

export type { ApiScope };

import {
  type ApiScope,
  apiScopes,
  createApiKey,
  revokeApiKey,
  rotateApiKey,
} from "../../domain/api-keys.ts";
import { cliActor, recordAudit } from "../../domain/audit.ts";
import {
  type AdminCommand,
  listFlag,
  optionalFlag,
  requireFlag,
  switchFlag,
  UsageError,
  uuidFlag,
} from "../command.ts";

function scopesFrom(list: string[] | undefined): ApiScope[] {
  if (!list || list.length === 0) throw new UsageError("--scopes is required");
  const unknown = list.filter((scope) => !apiScopes.includes(scope as ApiScope));
  if (unknown.length > 0) {
    throw new UsageError(`unknown scope: ${unknown.join(", ")} (known: ${apiScopes.join(", ")})`);
  }
  return list as ApiScope[];
}

function expiryFrom(value: string | undefined): Date | null {
  if (value === undefined) return null;
  const time = Date.parse(value);
  if (Number.isNaN(time) || !/^\d{4}-\d{2}-\d{2}/.test(value)) {
    throw new UsageError("--expires must be an ISO 8601 date or time");
  }
  if (time <= Date.now()) throw new UsageError("--expires must be in the future");
  return new Date(time);
}

export const keyCreate: AdminCommand = {
  name: "key:create",
  usage: "--client ID --scopes a,b [--name N] [--ips CIDR,...] [--expires ISO] [--test]",
  run: async ({ db, flags }) => {
    const clientId = uuidFlag(flags, "client");
    const { key, apiKey } = await createApiKey(db, {
      clientId,
      name: optionalFlag(flags, "name") ?? "cli key",
      scopes: scopesFrom(listFlag(flags, "scopes")),
      ipAllowlist: listFlag(flags, "ips") ?? [],
      expiresAt: expiryFrom(optionalFlag(flags, "expires")),
      test: switchFlag(flags, "test"),
    });
    await recordAudit(db, cliActor, {
      clientId,
      action: "key.create",
      targetType: "api_key",
      targetId: apiKey.id,
      after: { name: apiKey.name, scopes: apiKey.scopes, ipAllowlist: apiKey.ipAllowlist },
    });
    return {
      id: apiKey.id,
      key,
      scopes: apiKey.scopes,
      ips: apiKey.ipAllowlist,
      expiresAt: apiKey.expiresAt,
      test: apiKey.test,
      note: "The key is shown once; only its hash is stored.",
    };
  },
};

export const keyRevoke: AdminCommand = {
  name: "key:revoke",
  usage: "--key-id ID",
  run: async ({ db, flags }) => {
    const apiKey = await revokeApiKey(db, null, uuidFlag(flags, "key-id"));
    await recordAudit(db, cliActor, {
      clientId: apiKey.clientId,
      action: "key.revoke",
      targetType: "api_key",
      targetId: apiKey.id,
      after: { revokedAt: apiKey.revokedAt },
    });
    return { id: apiKey.id, revokedAt: apiKey.revokedAt };
  },
};

export const keyRotate: AdminCommand = {
  name: "key:rotate",
  usage: "--key-id ID [--grace-hours H]",
  run: async ({ db, flags }) => {
    const graceText = optionalFlag(flags, "grace-hours") ?? "24";
    if (!/^\d{1,4}$/.test(graceText)) throw new UsageError("--grace-hours must be a whole number");
    const keyId = requireFlag(flags, "key-id");
    const rotated = await rotateApiKey(db, null, uuidFlag(flags, "key-id"), Number(graceText));
    await recordAudit(db, cliActor, {
      clientId: rotated.apiKey.clientId,
      action: "key.rotate",
      targetType: "api_key",
      targetId: keyId,
      after: { successor: rotated.apiKey.id, previousKeyExpiresAt: rotated.previousKeyExpiresAt },
    });
    return {
      id: rotated.apiKey.id,
      key: rotated.key,
      previousKeyId: keyId,
      previousKeyExpiresAt: rotated.previousKeyExpiresAt,
    };
  },
};

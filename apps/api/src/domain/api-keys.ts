import { BlockList, isIP } from "node:net";
import { apiKeys, clients, type Executor } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { and, eq, sql } from "drizzle-orm";
import { randomBase62, sha256Hex } from "./secrets.ts";

export const apiScopes = [
  "send_sms",
  "send_whatsapp",
  "send_email",
  "read_messages",
  "read_billing",
  "manage_webhooks",
  "manage_suppressions",
] as const;
export type ApiScope = (typeof apiScopes)[number];

export interface NewApiKey {
  clientId: string;
  name: string;
  scopes: ApiScope[];
  ipAllowlist?: string[];
  expiresAt?: Date | null;
  test?: boolean;
}

/** Checks an allow-list entry: a single address or a CIDR range, IPv4 or IPv6. */
export function parseAllowlistEntry(entry: string): { address: string; prefix: number } | null {
  const [address = "", prefixText] = entry.trim().split("/");
  const family = isIP(address);
  if (family === 0) return null;
  const maxPrefix = family === 4 ? 32 : 128;
  if (prefixText === undefined) return { address, prefix: maxPrefix };
  if (!/^\d{1,3}$/.test(prefixText)) return null;
  const prefix = Number(prefixText);
  return prefix <= maxPrefix ? { address, prefix } : null;
}

export function validateAllowlist(entries: string[]): string[] {
  return entries.map((entry) => {
    if (!parseAllowlistEntry(entry)) {
      throw new AppError("validation_failed", undefined, [
        { field: "ipAllowlist", message: `Not an IP address or CIDR range: ${entry}` },
      ]);
    }
    return entry.trim();
  });
}

/** IPv4 clients reached over an IPv6 socket appear as ::ffff:a.b.c.d. */
function unmapIpv4(ip: string): string {
  return ip.toLowerCase().startsWith("::ffff:") && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
}

export function ipIsAllowed(ip: string, allowlist: string[]): boolean {
  if (allowlist.length === 0) return true;
  const address = unmapIpv4(ip);
  const family = isIP(address) === 6 ? "ipv6" : "ipv4";
  const list = new BlockList();
  for (const entry of allowlist) {
    const parsed = parseAllowlistEntry(entry);
    if (!parsed) continue;
    const entryFamily = isIP(parsed.address) === 6 ? "ipv6" : "ipv4";
    list.addSubnet(parsed.address, parsed.prefix, entryFamily);
  }
  return isIP(address) !== 0 && list.check(address, family);
}

export function generateKeyText(test: boolean): string {
  return `${test ? "tk_test_" : "tk_live_"}${randomBase62(32)}`;
}

/** Creates a key and returns its plaintext, which is never stored and cannot be shown again. */
export async function createApiKey(db: Executor, input: NewApiKey) {
  const plaintext = generateKeyText(input.test ?? false);
  const [row] = await db
    .insert(apiKeys)
    .values({
      clientId: input.clientId,
      name: input.name,
      keyHash: sha256Hex(plaintext),
      displayPrefix: plaintext.slice(0, 12),
      scopes: input.scopes,
      ipAllowlist: validateAllowlist(input.ipAllowlist ?? []),
      expiresAt: input.expiresAt ?? null,
      test: input.test ?? false,
    })
    .returning();
  if (!row) throw new Error("api key insert returned nothing");
  return { key: plaintext, apiKey: row };
}

export async function revokeApiKey(db: Executor, clientId: string | null, keyId: string) {
  const [row] = await db
    .update(apiKeys)
    .set({ revokedAt: sql`coalesce(${apiKeys.revokedAt}, now())` })
    .where(
      clientId ? and(eq(apiKeys.id, keyId), eq(apiKeys.clientId, clientId)) : eq(apiKeys.id, keyId),
    )
    .returning();
  if (!row) throw new AppError("not_found", "API key not found");
  return row;
}

/**
 * Issues a successor with the same name, scopes and allow-list; the old key keeps working
 * for the grace period so deployments can switch over without downtime.
 */
export async function rotateApiKey(
  db: Executor,
  clientId: string | null,
  keyId: string,
  graceHours = 24,
) {
  const [old] = await db
    .select()
    .from(apiKeys)
    .where(
      clientId ? and(eq(apiKeys.id, keyId), eq(apiKeys.clientId, clientId)) : eq(apiKeys.id, keyId),
    );
  if (!old) throw new AppError("not_found", "API key not found");
  if (old.revokedAt) throw new AppError("conflict", "A revoked key cannot be rotated");

  const created = await createApiKey(db, {
    clientId: old.clientId,
    name: old.name,
    scopes: old.scopes as ApiScope[],
    ipAllowlist: old.ipAllowlist,
    expiresAt: old.expiresAt,
    test: old.test,
  });
  const graceEnd = new Date(Date.now() + graceHours * 3600_000);
  const oldExpiry = old.expiresAt && old.expiresAt < graceEnd ? old.expiresAt : graceEnd;
  await db
    .update(apiKeys)
    .set({ expiresAt: oldExpiry, rotatedToId: created.apiKey.id })
    .where(eq(apiKeys.id, old.id));
  return { ...created, previousKeyExpiresAt: oldExpiry };
}

export interface AuthenticatedKey {
  keyId: string;
  clientId: string;
  scopes: string[];
  test: boolean;
}

/** Resolves a presented key to its client, in the order the contract lists the refusals. */
export async function authenticateApiKey(
  db: Executor,
  presented: string,
  ip: string,
): Promise<AuthenticatedKey> {
  const [row] = await db
    .select({
      id: apiKeys.id,
      clientId: apiKeys.clientId,
      scopes: apiKeys.scopes,
      ipAllowlist: apiKeys.ipAllowlist,
      test: apiKeys.test,
      expiresAt: apiKeys.expiresAt,
      revokedAt: apiKeys.revokedAt,
    })
    .from(apiKeys)
    .where(eq(apiKeys.keyHash, sha256Hex(presented)));
  if (!row) throw new AppError("invalid_api_key");
  if (row.revokedAt) throw new AppError("api_key_revoked");
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) {
    throw new AppError("api_key_expired");
  }
  if (!ipIsAllowed(ip, row.ipAllowlist)) throw new AppError("ip_not_allowed");
  return { keyId: row.id, clientId: row.clientId, scopes: row.scopes, test: row.test };
}

export function requireScope(key: AuthenticatedKey, scope: ApiScope): void {
  if (!key.scopes.includes(scope)) {
    throw new AppError("scope_missing", `API key does not have the required scope: ${scope}`);
  }
}

export async function loadClient(db: Executor, clientId: string) {
  const [client] = await db.select().from(clients).where(eq(clients.id, clientId));
  if (!client) throw new AppError("not_found", "Client not found");
  return client;
}

import { AppError } from "@teekrr/shared";
import type { FastifyRequest } from "fastify";
import {
  type ApiScope,
  type AuthenticatedKey,
  authenticateApiKey,
  requireScope,
} from "../domain/api-keys.ts";
import type { Platform } from "../platform.ts";

declare module "fastify" {
  interface FastifyRequest {
    apiKey?: AuthenticatedKey;
  }
}

/** The scheme name is case-insensitive in HTTP; some client libraries send `bearer`. */
const bearer = /^Bearer +([A-Za-z0-9_]{8,200})$/i;

/**
 * Resolves the request's API key and checks one of the given scopes. The key, not the
 * request, decides the client; every handler reads the client from here alone.
 */
export async function authenticate(
  platform: Platform,
  request: FastifyRequest,
  scopes: ApiScope[],
): Promise<AuthenticatedKey> {
  const header = request.headers.authorization;
  const match = typeof header === "string" ? bearer.exec(header.trim()) : null;
  if (!match?.[1]) throw new AppError("missing_authorization");

  const key = await authenticateApiKey(platform.database.db, match[1], request.ip);
  const granted = scopes.find((scope) => key.scopes.includes(scope));
  if (!granted) requireScope(key, scopes[0] as ApiScope);

  request.apiKey = key;
  request.log = request.log.child({ clientId: key.clientId, keyId: key.keyId });
  return key;
}

import type { CreateFastifyContextOptions } from "@trpc/server/adapters/fastify";
import type { Logger } from "../logger.ts";
import type { Platform } from "../platform.ts";

export interface TrpcContext {
  platform: Platform;
  /** The console session token, from `Authorization: Bearer`; resolved only when needed. */
  token: string | null;
  log: Logger;
}

export function bearerToken(header: string | undefined): string | null {
  const match = /^Bearer\s+(\S{8,200})$/i.exec(header ?? "");
  return match?.[1] ?? null;
}

/** Builds the context of one console call, over HTTP or from `createCaller` in tests. */
export function createTrpcContext(platform: Platform, token: string | null, log?: Logger) {
  return { platform, token, log: log ?? platform.logger };
}

export function contextFromFastify(platform: Platform) {
  return ({ req }: CreateFastifyContextOptions): TrpcContext =>
    createTrpcContext(platform, bearerToken(req.headers.authorization), req.log as Logger);
}

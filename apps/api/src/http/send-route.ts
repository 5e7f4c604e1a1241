import type { Channel } from "@teekrr/shared";
import type { FastifyInstance } from "fastify";
import type { z } from "zod";
import type { ApiScope } from "../domain/api-keys.ts";
import type { Caller, TransactionStep } from "../domain/broadcasts/caller.ts";
import type { Platform } from "../platform.ts";
import { authenticate } from "./authenticate.ts";
import { idempotencyHeaderDoc, withIdempotency } from "./idempotency.ts";
import { defineRoute, type RouteDoc } from "./openapi/registry.ts";
import { describeSendLimit, withSendLimit } from "./send-limit.ts";
import { parseInput } from "./validation.ts";

const sendScopes: Record<Channel, ApiScope> = {
  sms: "send_sms",
  whatsapp: "send_whatsapp",
  email: "send_email",
};

export interface SendRoute<Body extends z.ZodType> {
  channel: Channel;
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  body: Body;
  /** The schema of the 202 response's `data`. */
  accepted: z.ZodType;
  errors: number[];
  create: (
    platform: Platform,
    caller: Caller,
    body: z.output<Body>,
    steps: TransactionStep[],
  ) => Promise<unknown>;
}

/**
 * Registers a broadcast endpoint (`POST /sms`, `/whatsapp`, `/email`) and its documentation.
 * Every one runs the same steps: the key and the channel's send scope, the client's send
 * limit for the channel, the `Idempotency-Key`, the body, then `create`, whose transaction
 * also counts the request against the limit and commits the idempotency key. A refusal at
 * any step leaves no broadcast, no count and no stored key behind.
 */
export function defineSendRoute<Body extends z.ZodType>(
  app: FastifyInstance,
  platform: Platform,
  route: SendRoute<Body>,
): void {
  const scope = sendScopes[route.channel];
  const doc: RouteDoc = {
    method: "POST",
    path: route.path,
    summary: route.summary,
    ...(route.description ? { description: route.description } : {}),
    tags: route.tags,
    scopes: [scope],
    body: route.body,
    headers: [idempotencyHeaderDoc],
    success: { status: 202, description: "Broadcast accepted", data: route.accepted },
    errors: route.errors,
  };

  defineRoute(app, doc, async (request, reply) => {
    const key = await authenticate(platform, request, [scope]);
    const bucket = `send.${route.channel}`;
    return await withIdempotency(
      platform,
      request,
      reply,
      key.clientId,
      async (commit) => {
        const limit = await withSendLimit(platform, reply, key.clientId, bucket);
        const body = parseInput(route.body, request.body);

        const accepted = await route.create(
          platform,
          { clientId: key.clientId, apiKeyId: key.keyId, livemode: !key.test },
          body,
          [limit.consume, commit],
        );
        return { status: 202, body: { data: accepted } };
      },
      () => describeSendLimit(platform, reply, key.clientId, bucket),
    );
  });
}

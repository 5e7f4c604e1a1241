import { setTimeout as sleep } from "node:timers/promises";
import { AppError } from "@teekrr/shared";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { TransactionStep } from "../domain/broadcasts/caller.ts";
import {
  claimIdempotencyKey,
  type IdempotencyScope,
  idempotencyConflict,
  markIdempotencyCommitted,
  releaseIdempotencyKey,
  storeIdempotentResponse,
} from "../domain/idempotency.ts";
import { sha256Hex } from "../domain/secrets.ts";
import type { Platform } from "../platform.ts";

export const idempotencyHeaderDoc = {
  name: "Idempotency-Key",
  description:
    "Any unique string up to 255 characters. The same key with the same body within 24 hours " +
    "returns the first response and creates nothing new; with a different body, 409. A " +
    "request arriving while the first is still running waits for it, then gets its response.",
};

const keyPattern = /^[\x21-\x7e]{1,255}$/;
const pollMs = 50;

/** The work of an idempotent request; its transaction must run `commitStep`. */
export type IdempotentWork = (
  commitStep: TransactionStep,
) => Promise<{ status: number; body: unknown }>;

/**
 * Runs a request at most once per `Idempotency-Key`. Without the header the work simply
 * runs. With it, the key is claimed in Postgres first; a concurrent request with the same
 * key waits (up to `IDEMPOTENCY_WAIT_MS`) for the first one's response and replays it,
 * and answers 409 if the first is still running after that. Only successful responses
 * are stored: a refused request (400, 402, 429...) releases the key so it can be retried.
 */
export async function withIdempotency(
  platform: Platform,
  request: FastifyRequest,
  reply: FastifyReply,
  clientId: string,
  work: IdempotentWork,
  beforeReplay: () => Promise<void> = async () => {},
): Promise<FastifyReply> {
  const header = request.headers["idempotency-key"];
  if (header === undefined) {
    const result = await work(async () => {});
    return reply.status(result.status).send(result.body);
  }
  if (typeof header !== "string" || !keyPattern.test(header)) {
    throw new AppError("validation_failed", undefined, [
      { field: "Idempotency-Key", message: "Must be 1 to 255 printable ASCII characters" },
    ]);
  }

  const { db } = platform.database;
  const scope: IdempotencyScope = {
    clientId,
    route: `${request.method} ${request.routeOptions.url ?? request.url}`,
    key: header,
    requestHash: sha256Hex(JSON.stringify(request.body ?? null)),
  };
  const deadline = Date.now() + platform.config.IDEMPOTENCY_WAIT_MS;
  for (;;) {
    const claim = await claimIdempotencyKey(db, scope);
    if (claim.kind === "mismatch") throw idempotencyConflict(false);
    if (claim.kind === "replay") {
      await beforeReplay();
      reply.header("Idempotent-Replayed", "true");
      return reply.status(claim.status).send(claim.body);
    }
    if (claim.kind === "claimed") break;
    if (Date.now() >= deadline) throw idempotencyConflict(true);
    await sleep(pollMs);
  }

  let result: { status: number; body: unknown };
  try {
    result = await work(async ({ tx }) => markIdempotencyCommitted(tx, scope));
  } catch (error) {
    await releaseIdempotencyKey(db, scope).catch(() => {});
    throw error;
  }
  if (result.status < 300) await storeIdempotentResponse(db, scope, result.status, result.body);
  else await releaseIdempotencyKey(db, scope);
  return reply.status(result.status).send(result.body);
}

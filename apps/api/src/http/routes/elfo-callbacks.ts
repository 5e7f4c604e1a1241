import { AppError } from "@teekrr/shared";
import type { FastifyInstance } from "fastify";
import { elfoReport } from "../../channels/elfo-reports.ts";
import type { StoreCallback } from "../../domain/messages/inbox.ts";
import { safeEqual } from "../../domain/secrets.ts";
import type { Platform } from "../../platform.ts";
import { parseInput } from "../validation.ts";

/** The keys Elfo may present: the live account's and the sandbox simulator's. */
function elfoKeys(platform: Platform): string[] {
  const { config } = platform;
  return [config.ELFO_API_KEY, config.SIMULATOR_SECRET].filter((key): key is string => !!key);
}

/**
 * Elfo posts delivery reports with the account's API key in `Authorization`. A report is
 * checked, stored and acknowledged here; the report worker applies it.
 */
export function registerElfoCallbackRoutes(
  app: FastifyInstance,
  platform: Platform,
  storeCallback: StoreCallback,
): void {
  app.post("/callbacks/elfo", async (request, reply) => {
    const presented = (request.headers.authorization ?? "").replace(/^Bearer\s+/i, "").trim();
    if (!presented || !elfoKeys(platform).some((key) => safeEqual(key, presented))) {
      throw new AppError("invalid_api_key", "Invalid callback credentials");
    }
    const report = parseInput(elfoReport, request.body);

    await storeCallback("elfo", report);
    return reply.status(200).send({ data: { received: true } });
  });
}

import { type FastifyTRPCPluginOptions, fastifyTRPCPlugin } from "@trpc/server/adapters/fastify";
import type { FastifyInstance } from "fastify";
import type { Platform } from "../platform.ts";
import { contextFromFastify } from "./context.ts";
import { type AppRouter, appRouter } from "./router.ts";

/** Serves the console's router under `/trpc` on the API's own server. */
export async function registerTrpc(app: FastifyInstance, platform: Platform): Promise<void> {
  const options: FastifyTRPCPluginOptions<AppRouter> = {
    prefix: "/trpc",
    trpcOptions: { router: appRouter, createContext: contextFromFastify(platform) },
  };
  await app.register(fastifyTRPCPlugin, options);
}

import { createTRPCContext } from "@trpc/tanstack-react-query";
import type { AppRouter } from "./client.ts";

export const { TRPCProvider, useTRPC } = createTRPCContext<AppRouter>();

/** How often live screens refresh while open. */
export const liveInterval = 2_000;

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : "Something went wrong";
}

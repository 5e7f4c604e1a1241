import type { inferRouterOutputs } from "@trpc/server";
import type { AppRouter } from "./client.ts";

/** What each console procedure answers, for typing table rows outside a render. */
export type Outputs = inferRouterOutputs<AppRouter>;

import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { listUsage } from "../../domain/usage.ts";
import { usageProcedure } from "../procedures.ts";

export const usageRouter = {
  list: usageProcedure
    .input(
      z.object({
        limit: z.number().int().min(1).max(200).default(100),
        cursor: z.string().max(200).optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      return await listUsage(ctx.platform.database.db, ctx.clientId, {
        limit: input.limit,
        cursor: input.cursor,
      });
    }),
} satisfies TRPCRouterRecord;

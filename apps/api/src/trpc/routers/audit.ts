import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { listAudit } from "../../domain/audit-read.ts";
import { auditProcedure } from "../procedures.ts";

export const auditRouter = {
  list: auditProcedure
    .input(
      z.object({
        limit: z.number().int().min(1).max(500).optional(),
        before: z.number().int().positive().optional(),
      }),
    )
    .query(async ({ ctx, input }) => {
      return await listAudit(ctx.platform.database.db, {
        clientId: ctx.clientId,
        limit: input.limit,
        before: input.before,
      });
    }),
} satisfies TRPCRouterRecord;

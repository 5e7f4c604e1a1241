import { channels } from "@teekrr/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  listKeywords,
  listTemplates,
  reviewKeyword,
  reviewTemplate,
} from "../../domain/template-review.ts";
import { createKeyword, createTemplate } from "../../domain/templates.ts";
import { clientProcedure, operatorProcedure, staffAdminProcedure } from "../procedures.ts";

const decision = z.enum(["approved", "rejected"]);

export const contentRouter = {
  templates: clientProcedure
    .input(z.object({ channel: z.enum(channels).optional() }))
    .query(async ({ ctx, input }) => {
      const rows = await listTemplates(ctx.platform.database.db, ctx.clientId, input.channel);
      return rows.map((row) => ({
        id: row.id,
        channel: row.channel,
        name: row.name,
        content: row.content,
        status: row.status,
        updatedAt: row.updatedAt.toISOString(),
      }));
    }),

  keywords: clientProcedure.query(async ({ ctx }) => {
    const rows = await listKeywords(ctx.platform.database.db, ctx.clientId);
    return rows.map((row) => ({
      id: row.id,
      keyword: row.keyword,
      status: row.status,
      createdAt: row.createdAt.toISOString(),
    }));
  }),

  /** New content waits for staff approval; only approved content can be sent. */
  createTemplate: operatorProcedure
    .input(
      z.object({
        channel: z.enum(channels),
        name: z.string().trim().min(1).max(512),
        content: z.string().min(1).max(2000),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.platform.database.transaction(({ tx }) =>
        createTemplate(tx, ctx.actor, {
          clientId: ctx.clientId,
          channel: input.channel,
          name: input.name,
          content: input.content,
          status: "pending",
        }),
      );
      return { id: row.id, status: row.status };
    }),

  createKeyword: operatorProcedure
    .input(z.object({ keyword: z.string().trim().min(1).max(10) }))
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.platform.database.transaction(({ tx }) =>
        createKeyword(tx, ctx.actor, ctx.clientId, input.keyword, "pending"),
      );
      return { id: row.id, status: row.status };
    }),

  reviewTemplate: staffAdminProcedure
    .input(z.object({ templateId: z.string().max(64), decision }))
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.platform.database.transaction(({ tx }) =>
        reviewTemplate(tx, ctx.actor, ctx.clientId, input.templateId, input.decision),
      );
      return { id: row?.id, status: row?.status };
    }),

  reviewKeyword: staffAdminProcedure
    .input(z.object({ keywordId: z.string().max(64), decision }))
    .mutation(async ({ ctx, input }) => {
      const row = await ctx.platform.database.transaction(({ tx }) =>
        reviewKeyword(tx, ctx.actor, ctx.clientId, input.keywordId, input.decision),
      );
      return { id: row?.id, status: row?.status };
    }),
} satisfies TRPCRouterRecord;

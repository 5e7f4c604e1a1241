import { messageStatuses } from "@teekrr/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { cancelBroadcast } from "../../domain/broadcasts/cancel.ts";
import { listBroadcastMessagesPage, listBroadcastsPage } from "../../domain/broadcasts/pages.ts";
import { getBroadcast, getMessage } from "../../domain/broadcasts/read.ts";
import { broadcastTimeline } from "../../domain/broadcasts/timeline.ts";
import { broadcastMessagesCsv } from "../../domain/console/broadcast-csv.ts";
import { clientProcedure, operatorProcedure } from "../procedures.ts";

const broadcastId = z.object({ broadcastUuid: z.string().max(64) });
const cursor = z.string().min(1).max(200).optional();

export const broadcastsRouter = {
  list: clientProcedure
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50), cursor }))
    .query(async ({ ctx, input }) => {
      return await listBroadcastsPage(ctx.platform.database.db, ctx.clientId, input);
    }),

  detail: clientProcedure.input(broadcastId).query(async ({ ctx, input }) => {
    return await getBroadcast(ctx.platform.database.db, ctx.clientId, input.broadcastUuid);
  }),

  timeline: clientProcedure.input(broadcastId).query(async ({ ctx, input }) => {
    return await broadcastTimeline(ctx.platform.database.db, ctx.clientId, input.broadcastUuid);
  }),

  messages: clientProcedure
    .input(
      broadcastId.extend({
        query: z.string().max(64).optional(),
        status: z.enum(messageStatuses).optional(),
        limit: z.number().int().min(1).max(500).default(100),
        cursor,
      }),
    )
    .query(async ({ ctx, input }) => {
      return await listBroadcastMessagesPage(
        ctx.platform.database.db,
        ctx.clientId,
        input.broadcastUuid,
        {
          limit: input.limit,
          cursor: input.cursor,
          status: input.status,
          recipientContains: input.query || undefined,
        },
      );
    }),

  message: clientProcedure
    .input(z.object({ messageUuid: z.string().max(64) }))
    .query(async ({ ctx, input }) => {
      return await getMessage(ctx.platform.database.db, ctx.clientId, input.messageUuid);
    }),

  exportCsv: clientProcedure.input(broadcastId).query(async ({ ctx, input }) => {
    const csv = await broadcastMessagesCsv(
      ctx.platform.database.db,
      ctx.clientId,
      input.broadcastUuid,
    );
    return { filename: `broadcast-${input.broadcastUuid}.csv`, csv };
  }),

  cancel: operatorProcedure.input(broadcastId).mutation(async ({ ctx, input }) => {
    return await cancelBroadcast(
      ctx.platform.database,
      ctx.actor,
      ctx.clientId,
      input.broadcastUuid,
    );
  }),
} satisfies TRPCRouterRecord;

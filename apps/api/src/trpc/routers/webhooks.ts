import { webhookEvents } from "@teekrr/shared";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  listWebhookDeliveries,
  retryWebhookDelivery,
  sendTestWebhook,
} from "../../domain/webhooks/deliveries.ts";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from "../../domain/webhooks/endpoints.ts";
import { webhookUrlPolicy } from "../../domain/webhooks/url-policy.ts";
import { developerProcedure, usageProcedure } from "../procedures.ts";

const endpointId = z.object({ endpointId: z.uuid() });

export const webhooksRouter = {
  list: usageProcedure.query(async ({ ctx }) => {
    return await listWebhookEndpoints(ctx.platform.database.db, ctx.clientId);
  }),

  deliveries: usageProcedure
    .input(endpointId.extend({ limit: z.number().int().min(1).max(100).default(50) }))
    .query(async ({ ctx, input }) => {
      return await listWebhookDeliveries(ctx.platform.database.db, ctx.clientId, input.endpointId, {
        limit: input.limit,
      });
    }),

  /** The secret is in this answer only. */
  create: developerProcedure
    .input(
      z.object({
        url: z.string().trim().min(1).max(2048),
        events: z.array(z.enum(webhookEvents)).min(1).optional(),
        description: z.string().trim().max(200).optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { clientId: _clientId, ...body } = input;
      const policy = webhookUrlPolicy(ctx.platform.config);
      return await ctx.platform.database.transaction(({ tx }) =>
        createWebhookEndpoint(tx, policy, ctx.actor, ctx.clientId, body),
      );
    }),

  update: developerProcedure
    .input(
      endpointId.extend({
        url: z.string().trim().min(1).max(2048).optional(),
        events: z.array(z.enum(webhookEvents)).min(1).optional(),
        description: z.string().trim().max(200).nullable().optional(),
        active: z.boolean().optional(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { clientId: _clientId, endpointId: id, ...change } = input;
      const policy = webhookUrlPolicy(ctx.platform.config);
      return await ctx.platform.database.transaction(({ tx }) =>
        updateWebhookEndpoint(tx, policy, ctx.actor, ctx.clientId, id, change),
      );
    }),

  /** The new secret is in this answer only; the old one signs too until the grace ends. */
  rotateSecret: developerProcedure
    .input(endpointId.extend({ graceHours: z.number().min(0).max(168).default(24) }))
    .mutation(async ({ ctx, input }) => {
      return await ctx.platform.database.transaction(({ tx }) =>
        rotateWebhookSecret(tx, ctx.actor, ctx.clientId, input.endpointId, input.graceHours),
      );
    }),

  remove: developerProcedure.input(endpointId).mutation(async ({ ctx, input }) => {
    await ctx.platform.database.transaction(({ tx }) =>
      deleteWebhookEndpoint(tx, ctx.actor, ctx.clientId, input.endpointId),
    );
    return { removed: true };
  }),

  test: developerProcedure.input(endpointId).mutation(async ({ ctx, input }) => {
    return await ctx.platform.database.transaction(({ tx }) =>
      sendTestWebhook(tx, ctx.actor, ctx.clientId, input.endpointId),
    );
  }),

  resend: developerProcedure
    .input(z.object({ deliveryId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      return await ctx.platform.database.transaction(({ tx }) =>
        retryWebhookDelivery(tx, ctx.actor, ctx.clientId, input.deliveryId),
      );
    }),
} satisfies TRPCRouterRecord;

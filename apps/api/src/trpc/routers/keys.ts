import { apiKeys } from "@teekrr/db";
import type { TRPCRouterRecord } from "@trpc/server";
import { desc, eq } from "drizzle-orm";
import { z } from "zod";
import {
  createKeyByPerson,
  revokeKeyByPerson,
  rotateKeyByPerson,
} from "../../domain/api-key-changes.ts";
import { apiScopes, loadClient } from "../../domain/api-keys.ts";
import { ratesOf } from "../../domain/clients.ts";
import { clientProcedure, developerProcedure } from "../procedures.ts";

const keyId = z.object({ keyId: z.uuid() });

function presentKey(key: typeof apiKeys.$inferSelect) {
  const now = Date.now();
  return {
    id: key.id,
    name: key.name,
    prefix: key.displayPrefix,
    scopes: key.scopes,
    ipAllowlist: key.ipAllowlist,
    test: key.test,
    expiresAt: key.expiresAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    rotatedToId: key.rotatedToId,
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    createdAt: key.createdAt.toISOString(),
    state: key.revokedAt
      ? "revoked"
      : key.expiresAt && key.expiresAt.getTime() <= now
        ? "expired"
        : "active",
  };
}

export const keysRouter = {
  list: clientProcedure.query(async ({ ctx }) => {
    const rows = await ctx.platform.database.db
      .select()
      .from(apiKeys)
      .where(eq(apiKeys.clientId, ctx.clientId))
      .orderBy(desc(apiKeys.createdAt));
    return rows.map(presentKey);
  }),

  /** The plaintext is in this answer only; nothing can show it again. */
  create: developerProcedure
    .input(
      z.object({
        name: z.string().trim().min(1).max(100),
        scopes: z.array(z.enum(apiScopes)).min(1),
        ipAllowlist: z.array(z.string().max(64)).max(100).default([]),
        expiresAt: z.iso.datetime({ offset: true }).nullish(),
        test: z.boolean().default(false),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const created = await ctx.platform.database.transaction(({ tx }) =>
        createKeyByPerson(tx, ctx.actor, {
          clientId: ctx.clientId,
          name: input.name,
          scopes: input.scopes,
          ipAllowlist: input.ipAllowlist,
          expiresAt: input.expiresAt ? new Date(input.expiresAt) : null,
          test: input.test,
        }),
      );
      return { key: created.key, apiKey: presentKey(created.apiKey) };
    }),

  rotate: developerProcedure
    .input(
      keyId.extend({
        graceHours: z
          .number()
          .int()
          .min(0)
          .max(24 * 30)
          .default(24),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const rotated = await ctx.platform.database.transaction(({ tx }) =>
        rotateKeyByPerson(tx, ctx.actor, ctx.clientId, input.keyId, input.graceHours),
      );
      return {
        key: rotated.key,
        apiKey: presentKey(rotated.apiKey),
        previousKeyExpiresAt: rotated.previousKeyExpiresAt.toISOString(),
      };
    }),

  revoke: developerProcedure.input(keyId).mutation(async ({ ctx, input }) => {
    const row = await ctx.platform.database.transaction(({ tx }) =>
      revokeKeyByPerson(tx, ctx.actor, ctx.clientId, input.keyId),
    );
    return presentKey(row);
  }),

  rates: clientProcedure.query(async ({ ctx }) => {
    return ratesOf(await loadClient(ctx.platform.database.db, ctx.clientId));
  }),
} satisfies TRPCRouterRecord;

import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import { loadClient } from "../../domain/api-keys.ts";
import { signIn, signOut } from "../../domain/sessions.ts";
import { publicProcedure, userProcedure } from "../procedures.ts";

export const authRouter = {
  signIn: publicProcedure
    .input(z.object({ email: z.string().trim().min(3).max(320), password: z.string().max(200) }))
    .mutation(async ({ ctx, input }) => {
      return await ctx.platform.database.transaction(({ tx }) =>
        signIn(tx, input.email, input.password),
      );
    }),

  signOut: userProcedure.mutation(async ({ ctx }) => {
    await ctx.platform.database.transaction(({ tx }) => signOut(tx, ctx.user));
    return { signedOut: true };
  }),

  me: userProcedure.query(async ({ ctx }) => {
    const { user } = ctx;
    const client = user.clientId ? await loadClient(ctx.platform.database.db, user.clientId) : null;
    return {
      id: user.id,
      email: user.email,
      role: user.role,
      client: client
        ? { id: client.id, name: client.name, billing: client.billing, channels: client.channels }
        : null,
    };
  }),
} satisfies TRPCRouterRecord;

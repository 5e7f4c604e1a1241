import { userRoles } from "@teekrr/db";
import type { TRPCRouterRecord } from "@trpc/server";
import { z } from "zod";
import {
  addRealmUser,
  listRealmUsers,
  rolesOfRealm,
  setRealmUserDisabled,
} from "../../domain/user-admin.ts";
import { userAdminProcedure } from "../procedures.ts";

const userId = z.object({ userId: z.uuid() });

/** Owners manage their client's users; staff admins manage platform staff. */
export const usersRouter = {
  list: userAdminProcedure.query(async ({ ctx }) => {
    return {
      roles: rolesOfRealm(ctx.realm),
      users: await listRealmUsers(ctx.platform.database.db, ctx.realm),
    };
  }),

  /** The person signs in with this initial password; it is never shown again. */
  create: userAdminProcedure
    .input(
      z.object({
        email: z.email().max(320),
        role: z.enum(userRoles),
        password: z.string().min(10).max(200),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      return await ctx.platform.database.transaction(({ tx }) =>
        addRealmUser(tx, ctx.actor, ctx.realm, input),
      );
    }),

  disable: userAdminProcedure.input(userId).mutation(async ({ ctx, input }) => {
    return await ctx.platform.database.transaction(({ tx }) =>
      setRealmUserDisabled(tx, ctx.actor, ctx.realm, input.userId, true),
    );
  }),

  enable: userAdminProcedure.input(userId).mutation(async ({ ctx, input }) => {
    return await ctx.platform.database.transaction(({ tx }) =>
      setRealmUserDisabled(tx, ctx.actor, ctx.realm, input.userId, false),
    );
  }),
} satisfies TRPCRouterRecord;

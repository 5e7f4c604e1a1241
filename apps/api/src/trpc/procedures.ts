import { clients } from "@teekrr/db";
import { TRPCError } from "@trpc/server";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { actorOf, resolveSession } from "../domain/sessions.ts";
import type { UserRealm } from "../domain/user-admin.ts";
import { baseProcedure, middleware } from "./init.ts";
import { isStaffRole, type RoleGroup, roleGroups } from "./roles.ts";

export const publicProcedure = baseProcedure;

/** A signed-in console user; the context gains `user` and the audit `actor`. */
export const userProcedure = baseProcedure.use(async ({ ctx, next }) => {
  const user = ctx.token ? await resolveSession(ctx.platform.database.db, ctx.token) : null;
  if (!user) throw new TRPCError({ code: "UNAUTHORIZED", message: "Sign in required" });
  return next({ ctx: { user, actor: actorOf(user) } });
});

/** A role outside the group is refused as FORBIDDEN: the user is known, the right is missing. */
function requireRole(group: RoleGroup) {
  const allowed: readonly string[] = roleGroups[group];
  return middleware(async ({ ctx, next }) => {
    const role = (ctx as { user?: { role: string } }).user?.role;
    if (!role || !allowed.includes(role)) {
      throw new TRPCError({ code: "FORBIDDEN", message: "Your role does not allow this" });
    }
    return next();
  });
}

/** Staff name the client they act on; a client's own users may omit it or repeat their own. */
export const clientInput = z.object({ clientId: z.uuid().optional() });

const notFound = () => new TRPCError({ code: "NOT_FOUND", message: "Client not found" });

/**
 * Narrows the context to one client. A client user naming another client gets NOT_FOUND,
 * the same answer as for an id that does not exist, so ids reveal nothing.
 */
function clientScoped(group: RoleGroup) {
  return userProcedure
    .use(requireRole(group))
    .input(clientInput)
    .use(async ({ ctx, input, next }) => {
      const { user } = ctx;
      if (!isStaffRole(user.role)) {
        if (!user.clientId || (input.clientId && input.clientId !== user.clientId)) {
          throw notFound();
        }
        return next({ ctx: { clientId: user.clientId } });
      }
      if (!input.clientId) {
        throw new TRPCError({ code: "BAD_REQUEST", message: "Choose a client first" });
      }
      const db = ctx.platform.database.db;
      const [client] = await db
        .select({ id: clients.id })
        .from(clients)
        .where(eq(clients.id, input.clientId));
      if (!client) throw notFound();
      return next({ ctx: { clientId: client.id } });
    });
}

export const clientProcedure = clientScoped("reader");
export const operatorProcedure = clientScoped("operator");
export const developerProcedure = clientScoped("developer");
export const usageProcedure = clientScoped("usageReader");
export const financeProcedure = clientScoped("financeReader");
export const auditProcedure = clientScoped("auditReader");
export const staffAdminProcedure = clientScoped("staffAdmin");
export const staffFinanceProcedure = clientScoped("staffFinance");

/** Platform-wide staff views that are about no single client. */
export const staffProcedure = userProcedure.use(requireRole("staff"));

/**
 * Manages console users. The realm comes from who calls, never from input: an owner's own
 * client, or the platform's staff for a staff admin.
 */
export const userAdminProcedure = userProcedure
  .use(requireRole("userAdmin"))
  .use(async ({ ctx, next }) => {
    const realm: UserRealm = isStaffRole(ctx.user.role)
      ? { clientId: null }
      : { clientId: ctx.user.clientId as string };
    return next({ ctx: { realm, actor: { ...ctx.actor, userId: ctx.user.id } } });
  });

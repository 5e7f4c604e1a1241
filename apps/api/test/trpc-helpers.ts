import { randomBytes } from "node:crypto";
import { cliActor } from "../src/domain/audit.ts";
import { createUser, type UserRole } from "../src/domain/users.ts";
import type { Platform } from "../src/platform.ts";
import { createTrpcContext } from "../src/trpc/context.ts";
import { createCaller } from "../src/trpc/router.ts";

export const testPassword = "correct horse battery";

export type ConsoleCaller = ReturnType<typeof createCaller>;

/** A caller with no session, as the sign-in screen is. */
export function anonymousCaller(platform: Platform): ConsoleCaller {
  return createCaller(createTrpcContext(platform, null));
}

export function callerWithToken(platform: Platform, token: string | null): ConsoleCaller {
  return createCaller(createTrpcContext(platform, token));
}

/** Creates a console user and signs it in; the caller carries the session token. */
export async function signedInAs(
  platform: Platform,
  role: UserRole,
  clientId: string | null,
): Promise<{ caller: ConsoleCaller; token: string; email: string; userId: string }> {
  const email = `${role}-${randomBytes(4).toString("hex")}@example.my`;
  const user = await createUser(platform.database.db, cliActor, {
    email,
    password: testPassword,
    role,
    clientId: role.startsWith("staff_") ? null : clientId,
  });
  const session = await anonymousCaller(platform).auth.signIn({ email, password: testPassword });
  return {
    caller: callerWithToken(platform, session.token),
    token: session.token,
    email,
    userId: user.id,
  };
}

/** The tRPC code a call failed with, or "OK". */
export async function outcomeOf(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
    return "OK";
  } catch (error) {
    return (error as { code?: string }).code ?? "THREW";
  }
}

import { type Executor, sessions, users } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { type Actor, recordAudit } from "./audit.ts";
import { hashPassword, randomBase62, sha256Hex, verifyPassword } from "./secrets.ts";
import type { UserRole } from "./users.ts";

/** A console session lasts a working day; signing in again starts a new one. */
export const sessionLifetimeHours = 12;

export interface SessionUser {
  id: string;
  email: string;
  role: UserRole;
  /** Null for platform staff, who belong to no client. */
  clientId: string | null;
  sessionId: string;
}

export function actorOf(user: { id: string; email: string }): Actor {
  return { name: user.email, userId: user.id };
}

/**
 * A password hash for an address with no account, so a wrong email costs the same scrypt
 * work as a wrong password and timing does not reveal which accounts exist.
 */
let decoyHash: Promise<string> | null = null;

export async function signIn(db: Executor, email: string, password: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`);
  decoyHash ??= hashPassword("decoy password that matches nothing");
  const matches = await verifyPassword(password, user?.passwordHash ?? (await decoyHash));
  if (!user || !matches || user.disabledAt) {
    throw new AppError("unauthenticated", "Email or password is incorrect");
  }

  const token = `tks_${randomBase62(32)}`;
  const expiresAt = new Date(Date.now() + sessionLifetimeHours * 3600_000);
  const [session] = await db
    .insert(sessions)
    .values({ userId: user.id, tokenHash: sha256Hex(token), expiresAt })
    .returning({ id: sessions.id });
  if (!session) throw new Error("session insert returned nothing");
  await recordAudit(db, actorOf(user), {
    clientId: user.clientId,
    action: "session.sign_in",
    targetType: "user",
    targetId: user.id,
  });
  return {
    token,
    expiresAt: expiresAt.toISOString(),
    user: { id: user.id, email: user.email, role: user.role, clientId: user.clientId },
  };
}

/** The user behind a live session token, or null for an unknown, expired or revoked one. */
export async function resolveSession(db: Executor, token: string): Promise<SessionUser | null> {
  const [row] = await db
    .select({
      sessionId: sessions.id,
      id: users.id,
      email: users.email,
      role: users.role,
      clientId: users.clientId,
    })
    .from(sessions)
    .innerJoin(users, eq(users.id, sessions.userId))
    .where(
      and(
        eq(sessions.tokenHash, sha256Hex(token)),
        isNull(sessions.revokedAt),
        gt(sessions.expiresAt, new Date()),
        isNull(users.disabledAt),
      ),
    );
  return row ?? null;
}

export async function signOut(db: Executor, user: SessionUser): Promise<void> {
  await db
    .update(sessions)
    .set({ revokedAt: sql`coalesce(${sessions.revokedAt}, now())` })
    .where(eq(sessions.id, user.sessionId));
  await recordAudit(db, actorOf(user), {
    clientId: user.clientId,
    action: "session.sign_out",
    targetType: "user",
    targetId: user.id,
  });
}

import { type Executor, sessions, users } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { and, asc, eq, isNull, sql } from "drizzle-orm";
import { type Actor, recordAudit } from "./audit.ts";
import { isUuid } from "./broadcasts/read.ts";
import { createUser, type UserRole } from "./users.ts";

/**
 * The users one manager looks after: a client's users for its owner, or the platform's
 * staff (no client) for a staff admin.
 */
export type UserRealm = { clientId: string } | { clientId: null };

const clientRoles: UserRole[] = ["owner", "operator", "developer", "finance"];
const staffRoles: UserRole[] = ["staff_admin", "staff_finance"];

export function rolesOfRealm(realm: UserRealm): UserRole[] {
  return realm.clientId ? clientRoles : staffRoles;
}

function inRealm(realm: UserRealm) {
  return realm.clientId ? eq(users.clientId, realm.clientId) : isNull(users.clientId);
}

const userColumns = {
  id: users.id,
  email: users.email,
  role: users.role,
  disabledAt: users.disabledAt,
  createdAt: users.createdAt,
};

function presentUser(row: {
  id: string;
  email: string;
  role: UserRole;
  disabledAt: Date | null;
  createdAt: Date;
}) {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    state: row.disabledAt ? ("disabled" as const) : ("active" as const),
    disabledAt: row.disabledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}

export async function listRealmUsers(db: Executor, realm: UserRealm) {
  const rows = await db
    .select(userColumns)
    .from(users)
    .where(inRealm(realm))
    .orderBy(asc(users.createdAt), asc(users.email));
  return rows.map(presentUser);
}

/**
 * Adds a user with a role of the manager's realm and an initial password for the person to
 * sign in with. An address already in use anywhere on the platform is a conflict.
 */
export async function addRealmUser(
  db: Executor,
  actor: Actor,
  realm: UserRealm,
  input: { email: string; role: UserRole; password: string },
) {
  if (!rolesOfRealm(realm).includes(input.role)) {
    throw new AppError("validation_failed", undefined, [
      { field: "role", message: `Choose one of: ${rolesOfRealm(realm).join(", ")}` },
    ]);
  }
  const email = input.email.trim().toLowerCase();
  const [taken] = await db
    .select({ id: users.id })
    .from(users)
    .where(sql`lower(${users.email}) = ${email}`);
  if (taken) throw new AppError("conflict", "A user with this email already exists");

  const created = await createUser(db, actor, { ...input, email, clientId: realm.clientId });
  const [row] = await db.select(userColumns).from(users).where(eq(users.id, created.id));
  if (!row) throw new Error("created user vanished");
  return presentUser(row);
}

/**
 * Disables or re-enables a user of the realm. Disabling ends the user's sessions at once;
 * nobody disables themselves, so a realm always keeps the person who could undo it.
 */
export async function setRealmUserDisabled(
  db: Executor,
  actor: Actor & { userId: string },
  realm: UserRealm,
  userId: string,
  disabled: boolean,
) {
  if (!isUuid(userId)) throw new AppError("not_found", "User not found");
  const where = and(eq(users.id, userId), inRealm(realm));
  const [before] = await db.select(userColumns).from(users).where(where);
  if (!before) throw new AppError("not_found", "User not found");
  if (disabled && userId === actor.userId) {
    throw new AppError("conflict", "You cannot disable your own account");
  }

  const [after] = await db
    .update(users)
    .set({ disabledAt: disabled ? (before.disabledAt ?? new Date()) : null })
    .where(where)
    .returning(userColumns);
  if (!after) throw new AppError("not_found", "User not found");
  if (disabled) {
    await db
      .update(sessions)
      .set({ revokedAt: sql`coalesce(${sessions.revokedAt}, now())` })
      .where(eq(sessions.userId, userId));
  }
  await recordAudit(db, actor, {
    clientId: realm.clientId,
    action: disabled ? "user.disable" : "user.enable",
    targetType: "user",
    targetId: userId,
    before: { email: before.email, role: before.role, disabledAt: before.disabledAt },
    after: { email: after.email, role: after.role, disabledAt: after.disabledAt },
  });
  return presentUser(after);
}

import { type Executor, userRoles, users } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { type Actor, recordAudit } from "./audit.ts";
import { hashPassword } from "./secrets.ts";

export type UserRole = (typeof userRoles)[number];

export async function createUser(
  db: Executor,
  actor: Actor,
  input: { email: string; password: string; role: UserRole; clientId?: string | null },
) {
  const staff = input.role.startsWith("staff_");
  if (!userRoles.includes(input.role)) {
    throw new AppError("validation_failed", undefined, [
      { field: "role", message: "Unknown role" },
    ]);
  }
  if (staff === Boolean(input.clientId)) {
    throw new AppError("validation_failed", undefined, [
      {
        field: "client",
        message: staff ? "Staff users belong to no client" : "Client users need a client",
      },
    ]);
  }
  if (input.password.length < 10) {
    throw new AppError("validation_failed", undefined, [
      { field: "password", message: "A password has at least 10 characters" },
    ]);
  }
  const [user] = await db
    .insert(users)
    .values({
      email: input.email.trim().toLowerCase(),
      passwordHash: await hashPassword(input.password),
      role: input.role,
      clientId: input.clientId ?? null,
    })
    .returning({ id: users.id, email: users.email, role: users.role, clientId: users.clientId });
  if (!user) throw new Error("user insert returned nothing");
  await recordAudit(db, actor, {
    clientId: user.clientId,
    action: "user.create",
    targetType: "user",
    targetId: user.id,
    after: user,
  });
  return user;
}

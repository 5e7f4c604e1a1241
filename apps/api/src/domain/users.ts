import { type Executor, userRoles, users } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { type Actor, recordAudit } from "./audit.ts";
import { normaliseEmail } from "./recipients.ts";
import { hashPassword } from "./secrets.ts";
import { isUniqueViolation } from "./sql.ts";

export type UserRole = (typeof userRoles)[number];

export async function createUser(
  db: Executor,
  actor: Actor,
  input: { email: string; password: string; role: UserRole; clientId?: string | null },
) {
  const email = normaliseEmail(input.email);
  if (!email) {
    throw new AppError("validation_failed", undefined, [
      { field: "email", message: "Invalid email address" },
    ]);
  }
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
  const user = await insertUser(db, {
    email,
    passwordHash: await hashPassword(input.password),
    role: input.role,
    clientId: input.clientId ?? null,
  });
  await recordAudit(db, actor, {
    clientId: user.clientId,
    action: "user.create",
    targetType: "user",
    targetId: user.id,
    after: user,
  });
  return user;
}

async function insertUser(db: Executor, values: typeof users.$inferInsert) {
  try {
    const [user] = await db
      .insert(users)
      .values(values)
      .returning({ id: users.id, email: users.email, role: users.role, clientId: users.clientId });
    if (!user) throw new Error("user insert returned nothing");
    return user;
  } catch (error) {
    // Addresses are unique whatever their case. The driver's error is not passed on: its
    // query parameters include the password hash.
    if (isUniqueViolation(error)) {
      throw new AppError("conflict", "A user with this email already exists");
    }
    throw error;
  }
}

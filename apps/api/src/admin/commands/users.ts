import { userRoles } from "@teekrr/db";
import { cliActor } from "../../domain/audit.ts";
import { createUser, type UserRole } from "../../domain/users.ts";
import { type AdminCommand, optionalFlag, requireFlag, UsageError } from "../command.ts";

export const userCreate: AdminCommand = {
  name: "user:create",
  usage: "--email E --password P --role ROLE [--client ID]",
  run: async ({ db, flags }) => {
    const role = requireFlag(flags, "role");
    if (!userRoles.includes(role as UserRole)) {
      throw new UsageError(`--role must be one of ${userRoles.join(", ")}`);
    }
    const user = await createUser(db, cliActor, {
      email: requireFlag(flags, "email"),
      password: requireFlag(flags, "password"),
      role: role as UserRole,
      clientId: optionalFlag(flags, "client") ?? null,
    });
    return { id: user.id, email: user.email, role: user.role, clientId: user.clientId };
  },
};

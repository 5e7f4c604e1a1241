import type { UserRole } from "../domain/users.ts";

export const staffRoles = ["staff_admin", "staff_finance"] as const satisfies UserRole[];

/**
 * Who may call what, by area. Owners do everything in their client; operators run
 * broadcasts and content; developers manage integration; finance reads money and is
 * read-only elsewhere; staff work on any client they name, each in their own field.
 */
export const roleGroups = {
  /** Reading a client's broadcasts, content, keys and rates. */
  reader: ["owner", "operator", "developer", "finance", "staff_admin", "staff_finance"],
  operator: ["owner", "operator"],
  developer: ["owner", "developer"],
  /** Reading API usage and delivery logs. */
  usageReader: ["owner", "developer", "finance", "staff_admin", "staff_finance"],
  financeReader: ["owner", "finance", "staff_admin", "staff_finance"],
  auditReader: ["owner", "finance", "staff_admin", "staff_finance"],
  /** Managing console users: an owner its client's, a staff admin the platform's staff. */
  userAdmin: ["owner", "staff_admin"],
  staff: [...staffRoles],
  staffAdmin: ["staff_admin"],
  staffFinance: ["staff_finance"],
} as const satisfies Record<string, readonly UserRole[]>;

export type RoleGroup = keyof typeof roleGroups;

export function isStaffRole(role: UserRole): boolean {
  return (staffRoles as readonly string[]).includes(role);
}

/** The client a screen works on: empty for a client's own users, named for staff. */
export type Scope = { clientId?: string } | null;

export interface Viewer {
  id: string;
  email: string;
  role: string;
  client: { id: string; name: string; billing: string; channels: string[] } | null;
}

export function can(viewer: Viewer, roles: string[]): boolean {
  return roles.includes(viewer.role);
}

export type Role = "owner" | "operator" | "developer" | "finance" | "staff_admin" | "staff_finance";

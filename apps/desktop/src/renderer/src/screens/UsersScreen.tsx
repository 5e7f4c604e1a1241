import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type Column, DataTable } from "../components/DataTable.tsx";
import {
  Badge,
  Button,
  Card,
  ErrorNote,
  Field,
  Notice,
  QueryView,
  time,
} from "../components/ui.tsx";
import type { Outputs } from "../lib/outputs.ts";
import { useTRPC } from "../lib/trpc.ts";
import type { Role, Viewer } from "./types.ts";

type UserRow = Outputs["users"]["list"]["users"][number];

/** An owner's users of its client, or a staff admin's platform staff. */
export function UsersScreen({ viewer }: { viewer: Viewer }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const users = useQuery(trpc.users.list.queryOptions());
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.users.list.queryKey() });
  const disable = useMutation(trpc.users.disable.mutationOptions({ onSuccess: refresh }));
  const enable = useMutation(trpc.users.enable.mutationOptions({ onSuccess: refresh }));
  const userColumns: Column<UserRow>[] = [
    { header: "Email", cell: (user) => user.email },
    { header: "Role", cell: (user) => user.role },
    { header: "State", cell: (user) => <Badge value={user.state} /> },
    { header: "Added", cell: (user) => time(user.createdAt) },
    {
      header: "",
      className: "actions",
      cell: (user) =>
        user.id === viewer.id ? (
          <span className="small">you</span>
        ) : user.state === "active" ? (
          <Button kind="danger" onClick={() => disable.mutate({ userId: user.id })}>
            Disable
          </Button>
        ) : (
          <Button onClick={() => enable.mutate({ userId: user.id })}>Enable</Button>
        ),
    },
  ];
  const whose = viewer.client ? `${viewer.client.name}'s console users` : "Platform staff";

  return (
    <div className="screen">
      <h1>Users</h1>
      <div className="grid-2 wide-left">
        <Card title={whose}>
          <ErrorNote error={disable.error ?? enable.error} />
          <QueryView query={users} what="Loading users">
            {(data) => (
              <DataTable
                testId="user-table"
                rows={data.users}
                rowKey={(user) => user.id}
                rowTestId={(user) => `user-${user.email}`}
                empty="No users yet."
                columns={userColumns}
              />
            )}
          </QueryView>
        </Card>
        {users.data ? <NewUser roles={users.data.roles} onAdded={refresh} /> : null}
      </div>
    </div>
  );
}

function NewUser(props: { roles: Role[]; onAdded: () => void }) {
  const trpc = useTRPC();
  const [email, setEmail] = useState("");
  // The second role is the everyday one (operator, staff finance); the first is the admin.
  const [role, setRole] = useState<Role>(props.roles[1] ?? props.roles[0] ?? "operator");
  const [password, setPassword] = useState("");
  const create = useMutation(
    trpc.users.create.mutationOptions({
      onSuccess: () => {
        setEmail("");
        setPassword("");
        props.onAdded();
      },
    }),
  );
  return (
    <Card title="Add a user">
      <Field label="Email">
        <input
          type="email"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          data-testid="user-email"
        />
      </Field>
      <Field label="Role">
        <select
          value={role}
          onChange={(e) => setRole(e.target.value as Role)}
          data-testid="user-role"
        >
          {props.roles.map((value) => (
            <option key={value} value={value}>
              {value}
            </option>
          ))}
        </select>
      </Field>
      <Field
        label="Initial password"
        hint="At least 10 characters. Hand it over in person; it is not shown again."
      >
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          data-testid="user-password"
        />
      </Field>
      <ErrorNote error={create.error} />
      {create.data ? (
        <Notice tone="good">
          <span data-testid="user-added">
            {create.data.email} can now sign in as {create.data.role}.
          </span>
        </Notice>
      ) : null}
      <Button
        kind="primary"
        disabled={!email || password.length < 10 || create.isPending}
        testId="add-user"
        onClick={() => create.mutate({ email, role, password })}
      >
        Add user
      </Button>
    </Card>
  );
}

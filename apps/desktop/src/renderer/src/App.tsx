import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { Loading } from "./components/ui.tsx";
import { signOut } from "./lib/session.ts";
import { useTRPC } from "./lib/trpc.ts";
import { ApiScreen } from "./screens/ApiScreen.tsx";
import { AuditScreen } from "./screens/AuditScreen.tsx";
import { BroadcastsScreen } from "./screens/BroadcastsScreen.tsx";
import { ComposeScreen } from "./screens/ComposeScreen.tsx";
import { FinanceScreen } from "./screens/FinanceScreen.tsx";
import { SignInScreen } from "./screens/SignInScreen.tsx";
import { TemplatesScreen } from "./screens/TemplatesScreen.tsx";
import type { Scope, Viewer } from "./screens/types.ts";
import { UsersScreen } from "./screens/UsersScreen.tsx";

type ScreenName = "compose" | "broadcasts" | "api" | "finance" | "templates" | "audit" | "users";

const screens: { name: ScreenName; label: string; roles: string[] }[] = [
  { name: "compose", label: "Compose", roles: ["owner", "operator"] },
  { name: "broadcasts", label: "Broadcasts", roles: ["*"] },
  { name: "api", label: "API management", roles: ["*"] },
  {
    name: "finance",
    label: "Finance",
    roles: ["owner", "finance", "staff_admin", "staff_finance"],
  },
  { name: "templates", label: "Templates & keywords", roles: ["*"] },
  {
    name: "audit",
    label: "Audit log",
    roles: ["owner", "finance", "staff_admin", "staff_finance"],
  },
  { name: "users", label: "Users", roles: ["owner", "staff_admin"] },
];

export function App() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [signedIn, setSignedIn] = useState(false);
  const me = useQuery({ ...trpc.auth.me.queryOptions(), enabled: signedIn });

  if (!signedIn) return <SignInScreen onSignedIn={() => setSignedIn(true)} />;
  if (me.isPending) return <Loading what="Opening the console" />;
  if (!me.data) {
    return <SignInScreen onSignedIn={() => void me.refetch()} error={me.error} />;
  }
  const leave = async () => {
    await signOut();
    queryClient.clear();
    setSignedIn(false);
  };
  return <Shell viewer={me.data} onSignOut={leave} />;
}

function Shell({ viewer, onSignOut }: { viewer: Viewer; onSignOut: () => void }) {
  const trpc = useTRPC();
  const staff = viewer.role.startsWith("staff_");
  const visible = screens.filter(
    (screen) => screen.roles.includes("*") || screen.roles.includes(viewer.role),
  );
  const [current, setCurrent] = useState<ScreenName>(visible[0]?.name ?? "broadcasts");
  const [pickedClient, setPickedClient] = useState<string | null>(null);
  const clients = useQuery({ ...trpc.finance.clients.queryOptions(), enabled: staff });
  const clientId = staff ? (pickedClient ?? clients.data?.[0]?.clientId ?? null) : null;
  const scope: Scope = staff ? (clientId ? { clientId } : null) : {};

  return (
    <div className="shell">
      <nav className="sidebar">
        <div className="brand">
          Teekrr <span>console</span>
        </div>
        {visible.map((screen) => (
          <button
            key={screen.name}
            type="button"
            className={`nav-item ${current === screen.name ? "active" : ""}`}
            onClick={() => setCurrent(screen.name)}
            data-testid={`nav-${screen.name}`}
          >
            {screen.label}
          </button>
        ))}
        <div className="sidebar-foot">
          <div className="who">{viewer.email}</div>
          <div className="who-role">
            {viewer.role}
            {viewer.client ? ` · ${viewer.client.name}` : " · platform"}
          </div>
          <button type="button" className="link" onClick={onSignOut} data-testid="sign-out">
            Sign out
          </button>
        </div>
      </nav>
      <main className="content">
        {staff ? (
          <div className="client-picker">
            <span>Client</span>
            <select
              value={clientId ?? ""}
              onChange={(event) => setPickedClient(event.target.value)}
              data-testid="client-picker"
            >
              {(clients.data ?? []).map((client) => (
                <option key={client.clientId} value={client.clientId}>
                  {client.name}
                </option>
              ))}
            </select>
          </div>
        ) : null}
        {scope === null ? (
          <Loading what="Loading clients" />
        ) : (
          <Screen name={current} scope={scope} viewer={viewer} />
        )}
      </main>
    </div>
  );
}

function Screen(props: { name: ScreenName; scope: NonNullable<Scope>; viewer: Viewer }) {
  switch (props.name) {
    case "compose":
      return <ComposeScreen scope={props.scope} />;
    case "broadcasts":
      return <BroadcastsScreen scope={props.scope} viewer={props.viewer} />;
    case "api":
      return <ApiScreen scope={props.scope} viewer={props.viewer} />;
    case "finance":
      return <FinanceScreen scope={props.scope} viewer={props.viewer} />;
    case "templates":
      return <TemplatesScreen scope={props.scope} viewer={props.viewer} />;
    case "audit":
      return <AuditScreen scope={props.scope} />;
    case "users":
      return <UsersScreen viewer={props.viewer} />;
  }
}

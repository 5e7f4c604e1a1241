import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatRinggit } from "@teekrr/shared";
import { useState } from "react";
import { type Column, DataTable } from "../components/DataTable.tsx";
import { CheckGroup, toggled } from "../components/forms.tsx";
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
import { Webhooks } from "./api/Webhooks.tsx";
import { can, type Viewer } from "./types.ts";

const scopes = [
  "send_sms",
  "send_whatsapp",
  "send_email",
  "read_messages",
  "read_billing",
  "manage_webhooks",
  "manage_suppressions",
] as const;
type Scope = (typeof scopes)[number];

export function ApiScreen({ scope, viewer }: { scope: { clientId?: string }; viewer: Viewer }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const manage = can(viewer, ["owner", "developer"]);
  const keys = useQuery(trpc.keys.list.queryOptions(scope));
  const rates = useQuery(trpc.keys.rates.queryOptions(scope));
  const [shown, setShown] = useState<{ key: string; note: string } | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.keys.list.queryKey() });
  const rotate = useMutation(
    trpc.keys.rotate.mutationOptions({
      onSuccess: (data) => {
        setShown({
          key: data.key,
          note: `The old key works until ${time(data.previousKeyExpiresAt)}.`,
        });
        void refresh();
      },
    }),
  );
  const revoke = useMutation(trpc.keys.revoke.mutationOptions({ onSuccess: () => void refresh() }));
  const keyColumns: Column<KeyRow>[] = [
    { header: "Name", cell: (key) => key.name },
    { header: "Prefix", className: "mono", cell: (key) => `${key.prefix}…` },
    { header: "Scopes", className: "small", cell: (key) => key.scopes.join(", ") },
    {
      header: "IP allow-list",
      className: "small",
      cell: (key) => key.ipAllowlist.join(", ") || "any",
    },
    { header: "Expires", cell: (key) => time(key.expiresAt) },
    { header: "State", cell: (key) => <Badge value={key.state} /> },
    {
      header: "",
      className: "actions",
      cell: (key) =>
        manage && key.state === "active" ? (
          <>
            <Button kind="ghost" onClick={() => rotate.mutate({ ...scope, keyId: key.id })}>
              Rotate
            </Button>
            <Button kind="danger" onClick={() => revoke.mutate({ ...scope, keyId: key.id })}>
              Revoke
            </Button>
          </>
        ) : null,
    },
  ];

  return (
    <div className="screen">
      <h1>API management</h1>
      {shown ? (
        <Notice tone="good">
          <div>Copy this key now; it will not be shown again. {shown.note}</div>
          <code className="secret" data-testid="new-key">
            {shown.key}
          </code>
          <Button kind="ghost" onClick={() => setShown(null)}>
            Done
          </Button>
        </Notice>
      ) : null}
      <div className="grid-2 wide-left">
        <Card title="API keys">
          <ErrorNote error={rotate.error ?? revoke.error} />
          <QueryView query={keys} what="Loading keys">
            {(rows) => (
              <DataTable
                testId="key-table"
                rows={rows}
                rowKey={(key) => key.id}
                rowTestId={(key) => `key-${key.name}`}
                empty="No keys yet."
                columns={keyColumns}
              />
            )}
          </QueryView>
        </Card>
        <div className="stack">
          {manage ? (
            <CreateKey
              scope={scope}
              onCreated={(key) => {
                setShown({ key, note: "" });
                void refresh();
              }}
            />
          ) : null}
          <Card title="Rates">
            <QueryView query={rates} what="Loading rates">
              {(r) => (
                <table className="table">
                  <tbody>
                    <tr>
                      <td>SMS</td>
                      <td>{formatRinggit(r.sms.perSegment)} per segment</td>
                    </tr>
                    <tr>
                      <td>WhatsApp</td>
                      <td>{formatRinggit(r.whatsapp.perMessage)} per message</td>
                    </tr>
                    <tr>
                      <td>Email</td>
                      <td>{formatRinggit(r.email.perMessage)} per message</td>
                    </tr>
                  </tbody>
                </table>
              )}
            </QueryView>
          </Card>
        </div>
      </div>
      {can(viewer, ["owner", "developer", "finance", "staff_admin", "staff_finance"]) ? (
        <div className="grid-2">
          <UsageLog scope={scope} />
          <Webhooks scope={scope} manage={manage} />
        </div>
      ) : null}
    </div>
  );
}

function CreateKey(props: { scope: { clientId?: string }; onCreated: (key: string) => void }) {
  const trpc = useTRPC();
  const [name, setName] = useState("");
  const [chosen, setChosen] = useState<Scope[]>(["send_sms"]);
  const [allowlist, setAllowlist] = useState("");
  const [expires, setExpires] = useState("");
  const create = useMutation(
    trpc.keys.create.mutationOptions({
      onSuccess: (data) => {
        props.onCreated(data.key);
        setName("");
      },
    }),
  );

  return (
    <Card title="New key">
      <Field label="Name">
        <input value={name} onChange={(e) => setName(e.target.value)} data-testid="key-name" />
      </Field>
      <CheckGroup
        label="Scopes"
        options={scopes}
        chosen={chosen}
        onToggle={(value) => setChosen((current) => toggled(current, value))}
      />
      <Field
        label="IP allow-list"
        hint="Addresses or CIDR ranges, comma separated; empty allows any."
      >
        <input
          value={allowlist}
          onChange={(e) => setAllowlist(e.target.value)}
          placeholder="203.0.113.0/24"
        />
      </Field>
      <Field label="Expires (optional)">
        <input type="date" value={expires} onChange={(e) => setExpires(e.target.value)} />
      </Field>
      <ErrorNote error={create.error} />
      <Button
        kind="primary"
        disabled={!name || chosen.length === 0 || create.isPending}
        testId="create-key"
        onClick={() =>
          create.mutate({
            ...props.scope,
            name,
            scopes: chosen,
            ipAllowlist: allowlist
              .split(",")
              .map((s) => s.trim())
              .filter(Boolean),
            expiresAt: expires ? new Date(`${expires}T23:59:59+08:00`).toISOString() : null,
          })
        }
      >
        Create key
      </Button>
    </Card>
  );
}

type KeyRow = Outputs["keys"]["list"][number];
type UsageRow = Outputs["usage"]["list"]["items"][number];

const usageColumns: Column<UsageRow>[] = [
  { header: "Time", cell: (call) => time(call.at) },
  { header: "Method", cell: (call) => call.method },
  { header: "Path", className: "mono", cell: (call) => call.path },
  { header: "Status", cell: (call) => call.status },
  { header: "Latency", cell: (call) => `${call.latencyMs} ms` },
];

function UsageLog({ scope }: { scope: { clientId?: string } }) {
  const trpc = useTRPC();
  const usage = useQuery(trpc.usage.list.queryOptions({ ...scope, limit: 50 }));
  return (
    <Card title="Usage log">
      <QueryView query={usage} what="Loading usage">
        {(page) => (
          <DataTable
            rows={page.items}
            rowKey={(call) => call.requestId}
            empty="No API calls yet."
            columns={usageColumns}
          />
        )}
      </QueryView>
    </Card>
  );
}

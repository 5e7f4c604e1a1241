import { useQuery } from "@tanstack/react-query";
import { type Column, DataTable } from "../components/DataTable.tsx";
import { Card, QueryView, time } from "../components/ui.tsx";
import type { Outputs } from "../lib/outputs.ts";
import { useTRPC } from "../lib/trpc.ts";

function brief(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = JSON.stringify(value);
  return text.length > 140 ? `${text.slice(0, 137)}…` : text;
}

type Entry = Outputs["audit"]["list"][number];

const columns: Column<Entry>[] = [
  { header: "When", className: "nowrap", cell: (entry) => time(entry.at) },
  { header: "Who", cell: (entry) => entry.actor },
  { header: "Action", className: "mono", cell: (entry) => entry.action },
  {
    header: "Target",
    className: "small",
    cell: (entry) => `${entry.targetType} ${entry.targetId?.slice(0, 8) ?? ""}`,
  },
  { header: "Before", className: "mono small wrap", cell: (entry) => brief(entry.before) },
  { header: "After", className: "mono small wrap", cell: (entry) => brief(entry.after) },
];

export function AuditScreen({ scope }: { scope: { clientId?: string } }) {
  const trpc = useTRPC();
  const audit = useQuery(trpc.audit.list.queryOptions({ ...scope, limit: 200 }));
  return (
    <div className="screen">
      <h1>Audit log</h1>
      <Card title="Every change made by a person">
        <QueryView query={audit} what="Loading audit log">
          {(entries) => (
            <DataTable
              testId="audit-table"
              rows={entries}
              rowKey={(entry) => String(entry.id)}
              empty="Nothing has changed yet."
              columns={columns}
            />
          )}
        </QueryView>
      </Card>
    </div>
  );
}

import { useQuery } from "@tanstack/react-query";
import { Card, Empty, QueryView, time } from "../components/ui.tsx";
import { useTRPC } from "../lib/trpc.ts";

function brief(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = JSON.stringify(value);
  return text.length > 140 ? `${text.slice(0, 137)}…` : text;
}

export function AuditScreen({ scope }: { scope: { clientId?: string } }) {
  const trpc = useTRPC();
  const audit = useQuery(trpc.audit.list.queryOptions({ ...scope, limit: 200 }));
  return (
    <div className="screen">
      <h1>Audit log</h1>
      <Card title="Every change made by a person">
        <QueryView query={audit} what="Loading audit log">
          {(entries) =>
            entries.length === 0 ? (
              <Empty>Nothing has changed yet.</Empty>
            ) : (
              <table className="table" data-testid="audit-table">
                <thead>
                  <tr>
                    <th>When</th>
                    <th>Who</th>
                    <th>Action</th>
                    <th>Target</th>
                    <th>Before</th>
                    <th>After</th>
                  </tr>
                </thead>
                <tbody>
                  {entries.map((entry) => (
                    <tr key={entry.id}>
                      <td className="nowrap">{time(entry.at)}</td>
                      <td>{entry.actor}</td>
                      <td className="mono">{entry.action}</td>
                      <td className="small">
                        {entry.targetType} {entry.targetId?.slice(0, 8) ?? ""}
                      </td>
                      <td className="mono small wrap">{brief(entry.before)}</td>
                      <td className="mono small wrap">{brief(entry.after)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )
          }
        </QueryView>
      </Card>
    </div>
  );
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Badge, Button, Empty, ErrorNote, QueryView } from "../../components/ui.tsx";
import { useTRPC } from "../../lib/trpc.ts";

/** An endpoint's recent deliveries, with a test event and a re-send for each. */
export function Deliveries(props: {
  scope: { clientId?: string };
  endpointId: string;
  manage: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const input = { ...props.scope, endpointId: props.endpointId };
  const deliveries = useQuery(trpc.webhooks.deliveries.queryOptions(input));
  const refresh = () =>
    queryClient.invalidateQueries({ queryKey: trpc.webhooks.deliveries.queryKey() });
  const test = useMutation(trpc.webhooks.test.mutationOptions({ onSuccess: () => void refresh() }));
  const resend = useMutation(
    trpc.webhooks.resend.mutationOptions({ onSuccess: () => void refresh() }),
  );
  return (
    <div>
      {props.manage ? (
        <Button kind="ghost" onClick={() => test.mutate(input)}>
          Send test event
        </Button>
      ) : null}
      <ErrorNote error={test.error ?? resend.error} />
      <QueryView query={deliveries} what="Loading deliveries">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>No deliveries yet.</Empty>
          ) : (
            <table className="table">
              <tbody>
                {page.items.map((delivery) => (
                  <tr key={delivery.id}>
                    <td>{delivery.event}</td>
                    <td>
                      <Badge value={delivery.status} />
                    </td>
                    <td>{delivery.attempts} attempts</td>
                    <td className="small">
                      {delivery.lastStatusCode ?? delivery.lastError ?? ""}{" "}
                      {delivery.attemptLog.at(-1)?.latencyMs ?? ""}
                      {delivery.attemptLog.length ? " ms" : ""}
                    </td>
                    <td>
                      {props.manage ? (
                        <Button
                          kind="ghost"
                          onClick={() => resend.mutate({ ...props.scope, deliveryId: delivery.id })}
                        >
                          Re-send
                        </Button>
                      ) : null}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </QueryView>
    </div>
  );
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { type Column, DataTable } from "../../components/DataTable.tsx";
import { Badge, Button, ErrorNote, QueryView } from "../../components/ui.tsx";
import type { Outputs } from "../../lib/outputs.ts";
import { useTRPC } from "../../lib/trpc.ts";

type DeliveryRow = Outputs["webhooks"]["deliveries"]["items"][number];

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
  const columns: Column<DeliveryRow>[] = [
    { cell: (delivery) => delivery.event },
    { cell: (delivery) => <Badge value={delivery.status} /> },
    { cell: (delivery) => `${delivery.attempts} attempts` },
    {
      className: "small",
      cell: (delivery) => (
        <>
          {delivery.lastStatusCode ?? delivery.lastError ?? ""}{" "}
          {delivery.attemptLog.at(-1)?.latencyMs ?? ""}
          {delivery.attemptLog.length ? " ms" : ""}
        </>
      ),
    },
    {
      cell: (delivery) =>
        props.manage ? (
          <Button
            kind="ghost"
            onClick={() => resend.mutate({ ...props.scope, deliveryId: delivery.id })}
          >
            Re-send
          </Button>
        ) : null,
    },
  ];
  return (
    <div>
      {props.manage ? (
        <Button kind="ghost" onClick={() => test.mutate(input)}>
          Send test event
        </Button>
      ) : null}
      <ErrorNote error={test.error ?? resend.error} />
      <QueryView query={deliveries} what="Loading deliveries">
        {(page) => (
          <DataTable
            rows={page.items}
            rowKey={(delivery) => delivery.id}
            empty="No deliveries yet."
            columns={columns}
          />
        )}
      </QueryView>
    </div>
  );
}

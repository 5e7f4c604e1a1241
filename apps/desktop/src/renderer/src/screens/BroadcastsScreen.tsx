import { useMutation, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { LineChart } from "../components/chart.tsx";
import { type Column, DataTable } from "../components/DataTable.tsx";
import {
  Badge,
  Button,
  Card,
  Empty,
  ErrorNote,
  Money,
  preciseTime,
  QueryView,
  Stat,
  time,
} from "../components/ui.tsx";
import { downloadExport } from "../lib/csv.ts";
import type { Outputs } from "../lib/outputs.ts";
import { liveInterval, useTRPC } from "../lib/trpc.ts";
import { can, type Viewer } from "./types.ts";

const statusOrder = [
  "pending",
  "enqueued",
  "send",
  "sent",
  "delivered",
  "read",
  "failed",
  "bounced",
];

function Progress({ counts, total }: { counts: Record<string, number>; total: number }) {
  const done =
    (counts.delivered ?? 0) + (counts.read ?? 0) + (counts.failed ?? 0) + (counts.bounced ?? 0);
  return (
    <div className="progress" title={`${done} of ${total} finished`}>
      <progress max={Math.max(total, 1)} value={done} />
      <span>
        {done}/{total}
      </span>
    </div>
  );
}

type BroadcastRow = Outputs["broadcasts"]["list"]["items"][number];
type MessageRow = Outputs["broadcasts"]["messages"]["items"][number];

const broadcastColumns: Column<BroadcastRow>[] = [
  { header: "Campaign", cell: (b) => b.campaignName },
  { header: "Channel", cell: (b) => b.channel },
  { header: "Status", cell: (b) => <Badge value={b.status} /> },
  { header: "Progress", cell: (b) => <Progress counts={b.counts} total={b.recipients} /> },
  { header: "Delivered", cell: (b) => (b.counts.delivered ?? 0) + (b.counts.read ?? 0) },
  { header: "Failed", cell: (b) => b.counts.failed ?? 0 },
  { header: "Reserved", cell: (b) => <Money sen={b.reserved} /> },
  { header: "Created", cell: (b) => time(b.createdAt) },
];

const messageColumns: Column<MessageRow>[] = [
  { header: "Recipient", className: "mono", cell: (m) => m.recipient },
  { header: "Status", cell: (m) => <Badge value={m.status} /> },
  { header: "Price", cell: (m) => <Money sen={m.price} /> },
  { header: "Error", cell: (m) => m.errorCode ?? "" },
];

export function BroadcastsScreen({
  scope,
  viewer,
}: {
  scope: { clientId?: string };
  viewer: Viewer;
}) {
  const trpc = useTRPC();
  const [selected, setSelected] = useState<string | null>(null);
  const list = useQuery({
    ...trpc.broadcasts.list.queryOptions({ ...scope, limit: 100 }),
    refetchInterval: liveInterval,
  });

  if (selected) {
    return (
      <BroadcastDetail
        scope={scope}
        viewer={viewer}
        broadcastUuid={selected}
        onBack={() => setSelected(null)}
      />
    );
  }
  return (
    <div className="screen">
      <h1>Broadcasts</h1>
      <Card title="Recent broadcasts" actions={<span className="live-dot">live</span>}>
        <QueryView query={list} what="Loading broadcasts">
          {({ items: broadcasts }) => (
            <DataTable
              testId="broadcast-table"
              rows={broadcasts}
              rowKey={(b) => b.broadcastUuid}
              onRowClick={(b) => setSelected(b.broadcastUuid)}
              empty="No broadcasts yet. Compose one to see it here."
              columns={broadcastColumns}
            />
          )}
        </QueryView>
      </Card>
    </div>
  );
}

function BroadcastDetail(props: {
  scope: { clientId?: string };
  viewer: Viewer;
  broadcastUuid: string;
  onBack: () => void;
}) {
  const trpc = useTRPC();
  const input = { ...props.scope, broadcastUuid: props.broadcastUuid };
  const detail = useQuery({
    ...trpc.broadcasts.detail.queryOptions(input),
    refetchInterval: liveInterval,
  });
  const timeline = useQuery({
    ...trpc.broadcasts.timeline.queryOptions(input),
    refetchInterval: liveInterval,
  });
  const [search, setSearch] = useState("");
  const messages = useQuery({
    ...trpc.broadcasts.messages.queryOptions({ ...input, query: search || undefined }),
    refetchInterval: liveInterval,
  });
  const [messageUuid, setMessageUuid] = useState<string | null>(null);
  const cancel = useMutation(
    trpc.broadcasts.cancel.mutationOptions({ onSuccess: () => void detail.refetch() }),
  );
  const cancellable =
    can(props.viewer, ["owner", "operator"]) &&
    ["scheduled", "queued", "sending"].includes(detail.data?.status ?? "");
  const csv = useQuery({ ...trpc.broadcasts.exportCsv.queryOptions(input), enabled: false });

  const exportCsv = () => downloadExport(csv);

  return (
    <div className="screen">
      <div className="title-row">
        <Button kind="ghost" onClick={props.onBack}>
          ← Broadcasts
        </Button>
        <h1>{detail.data?.campaignName ?? "Broadcast"}</h1>
        {detail.data ? <Badge value={detail.data.status} /> : null}
        <div className="spacer" />
        {cancellable ? (
          <Button kind="danger" onClick={() => cancel.mutate(input)}>
            Cancel broadcast
          </Button>
        ) : null}
        <Button onClick={exportCsv}>Export CSV</Button>
      </div>
      <ErrorNote error={cancel.error} />
      <QueryView query={detail} what="Loading broadcast">
        {(b) => (
          <>
            <div className="stats" data-testid="broadcast-counts">
              <Stat label="Recipients" value={b.recipients} />
              {statusOrder
                .filter((status) => (b.counts[status] ?? 0) > 0)
                .map((status) => (
                  <Stat
                    key={status}
                    label={status}
                    value={b.counts[status]}
                    testId={`count-${status}`}
                  />
                ))}
              <Stat label="Reserved" value={<Money sen={b.reserved} />} />
              <Stat label="Settled" value={<Money sen={b.settled} />} />
              <Stat label="Released" value={<Money sen={b.released} />} />
            </div>
            <Card title="Progress over time">
              <QueryView query={timeline} what="Loading chart">
                {(data) => (
                  <LineChart
                    testId="broadcast-chart"
                    points={data.points}
                    xKey="at"
                    formatX={(value) => new Date(value).toLocaleTimeString("en-MY")}
                    series={[
                      { key: "enqueued", label: "enqueued", tone: "info" },
                      { key: "send", label: "sent to gateway", tone: "wait" },
                      { key: "delivered", label: "delivered", tone: "good" },
                      { key: "failed", label: "failed", tone: "bad" },
                    ]}
                  />
                )}
              </QueryView>
            </Card>
          </>
        )}
      </QueryView>
      <div className="grid-2">
        <Card
          title="Messages"
          actions={
            <input
              className="search"
              placeholder="Search recipient"
              value={search}
              onChange={(e) => setSearch(e.target.value)}
            />
          }
        >
          <QueryView query={messages} what="Loading messages">
            {({ items: rows }) => (
              <DataTable
                rows={rows}
                rowKey={(m) => m.messageUuid}
                onRowClick={(m) => setMessageUuid(m.messageUuid)}
                empty="No message matches."
                columns={messageColumns}
              />
            )}
          </QueryView>
        </Card>
        <Card title="Status history">
          {messageUuid ? (
            <MessageHistory scope={props.scope} messageUuid={messageUuid} />
          ) : (
            <Empty>Pick a message to see each step it went through.</Empty>
          )}
        </Card>
      </div>
    </div>
  );
}

function MessageHistory(props: { scope: { clientId?: string }; messageUuid: string }) {
  const trpc = useTRPC();
  const message = useQuery(
    trpc.broadcasts.message.queryOptions({ ...props.scope, messageUuid: props.messageUuid }),
  );
  return (
    <QueryView query={message} what="Loading history">
      {(m) => (
        <div>
          <p className="mono">{m.recipient}</p>
          <p className="muted">{m.content}</p>
          <ol className="timeline">
            {m.history.map((step) => (
              <li key={`${step.status}-${step.at}`}>
                <Badge value={step.status} /> {preciseTime(step.at)}
              </li>
            ))}
          </ol>
          {m.errorMessage ? <p className="error-text">{m.errorMessage}</p> : null}
        </div>
      )}
    </QueryView>
  );
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { type Column, DataTable } from "../components/DataTable.tsx";
import { FilterSelect, InputWithAction } from "../components/forms.tsx";
import { Badge, Button, Card, ErrorNote, Field, QueryView, time } from "../components/ui.tsx";
import type { Outputs } from "../lib/outputs.ts";
import { useTRPC } from "../lib/trpc.ts";
import { can, type Viewer } from "./types.ts";

type Channel = "sms" | "whatsapp" | "email";
type TemplateRow = Outputs["content"]["templates"][number];
type KeywordRow = Outputs["content"]["keywords"][number];

const channels = ["sms", "whatsapp", "email"] as const;
const channelLabels: Record<Channel, string> = { sms: "SMS", whatsapp: "WhatsApp", email: "Email" };

export function TemplatesScreen({
  scope,
  viewer,
}: {
  scope: { clientId?: string };
  viewer: Viewer;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [channel, setChannel] = useState<Channel | "">("");
  const templates = useQuery(
    trpc.content.templates.queryOptions({ ...scope, channel: channel || undefined }),
  );
  const keywords = useQuery(trpc.content.keywords.queryOptions(scope));
  const refresh = () => queryClient.invalidateQueries();
  const reviewTemplate = useMutation(
    trpc.content.reviewTemplate.mutationOptions({ onSuccess: refresh }),
  );
  const reviewKeyword = useMutation(
    trpc.content.reviewKeyword.mutationOptions({ onSuccess: refresh }),
  );
  const staffAdmin = viewer.role === "staff_admin";
  const author = can(viewer, ["owner", "operator"]);
  const review = (t: TemplateRow, decision: "approved" | "rejected") =>
    reviewTemplate.mutate({ ...scope, templateId: t.id, decision });
  const templateColumns: Column<TemplateRow>[] = [
    { header: "Channel", cell: (t) => t.channel },
    { header: "Name", cell: (t) => t.name },
    { header: "Content", className: "small", cell: (t) => t.content },
    { header: "Status", cell: (t) => <Badge value={t.status} /> },
    { header: "Updated", cell: (t) => time(t.updatedAt) },
    {
      header: "",
      className: "actions",
      cell: (t) =>
        staffAdmin && t.status === "pending" ? (
          <>
            <Button onClick={() => review(t, "approved")}>Approve</Button>
            <Button kind="danger" onClick={() => review(t, "rejected")}>
              Reject
            </Button>
          </>
        ) : null,
    },
  ];
  const keywordColumns: Column<KeywordRow>[] = [
    { className: "mono", cell: (k) => k.keyword },
    { cell: (k) => <Badge value={k.status} /> },
    {
      className: "actions",
      cell: (k) =>
        staffAdmin && k.status === "pending" ? (
          <Button
            onClick={() =>
              reviewKeyword.mutate({ ...scope, keywordId: k.id, decision: "approved" })
            }
          >
            Approve
          </Button>
        ) : null,
    },
  ];

  return (
    <div className="screen">
      <h1>Templates & keywords</h1>
      <div className="grid-2 wide-left">
        <Card
          title="Templates"
          actions={
            <FilterSelect
              value={channel}
              onChange={setChannel}
              all="All channels"
              options={channels}
              labelOf={(value) => channelLabels[value]}
            />
          }
        >
          <ErrorNote error={reviewTemplate.error} />
          <QueryView query={templates} what="Loading templates">
            {(rows) => (
              <DataTable
                rows={rows}
                rowKey={(t) => t.id}
                empty="No templates."
                columns={templateColumns}
              />
            )}
          </QueryView>
        </Card>
        <div className="stack">
          {author ? <NewTemplate scope={scope} /> : null}
          <Card title="Keywords">
            <ErrorNote error={reviewKeyword.error} />
            <QueryView query={keywords} what="Loading keywords">
              {(rows) => (
                <DataTable
                  rows={rows}
                  rowKey={(k) => k.id}
                  empty="No keywords registered."
                  columns={keywordColumns}
                />
              )}
            </QueryView>
            {author ? <NewKeyword scope={scope} /> : null}
          </Card>
        </div>
      </div>
    </div>
  );
}

/** A sender-ID prefix the client asks for; staff approve it before messages can carry it. */
function NewKeyword({ scope }: { scope: { clientId?: string } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [keyword, setKeyword] = useState("");
  const create = useMutation(
    trpc.content.createKeyword.mutationOptions({
      onSuccess: () => {
        setKeyword("");
        void queryClient.invalidateQueries({ queryKey: trpc.content.keywords.queryKey() });
      },
    }),
  );
  return (
    <>
      <InputWithAction
        label="New keyword"
        hint="1 to 10 letters or digits; waits for staff approval."
        value={keyword}
        onChange={(value) => setKeyword(value.toUpperCase())}
        input={{ maxLength: 10, "data-testid": "keyword-name" }}
        action="Register"
        disabled={!keyword || create.isPending}
        onAction={() => create.mutate({ ...scope, keyword })}
        actionTestId="add-keyword"
      />
      <ErrorNote error={create.error} />
    </>
  );
}

function NewTemplate({ scope }: { scope: { clientId?: string } }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [channel, setChannel] = useState<Channel>("sms");
  const [name, setName] = useState("");
  const [content, setContent] = useState("");
  const create = useMutation(
    trpc.content.createTemplate.mutationOptions({
      onSuccess: () => {
        setName("");
        setContent("");
        void queryClient.invalidateQueries();
      },
    }),
  );
  return (
    <Card title="New template">
      <div className="form-row">
        <Field label="Channel">
          <select value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
            <option value="sms">SMS</option>
            <option value="email">Email</option>
          </select>
        </Field>
        <Field label="Name">
          <input value={name} onChange={(e) => setName(e.target.value)} />
        </Field>
      </div>
      <Field label="Content" hint="Waits for staff approval before it can be sent.">
        <textarea rows={3} value={content} onChange={(e) => setContent(e.target.value)} />
      </Field>
      <ErrorNote error={create.error} />
      <Button
        kind="primary"
        disabled={!name || !content}
        onClick={() => create.mutate({ ...scope, channel, name, content })}
      >
        Submit for approval
      </Button>
    </Card>
  );
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import {
  Badge,
  Button,
  Card,
  Empty,
  ErrorNote,
  Field,
  QueryView,
  time,
} from "../components/ui.tsx";
import { useTRPC } from "../lib/trpc.ts";
import { can, type Viewer } from "./types.ts";

type Channel = "sms" | "whatsapp" | "email";

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

  return (
    <div className="screen">
      <h1>Templates & keywords</h1>
      <div className="grid-2 wide-left">
        <Card
          title="Templates"
          actions={
            <select value={channel} onChange={(e) => setChannel(e.target.value as Channel | "")}>
              <option value="">All channels</option>
              <option value="sms">SMS</option>
              <option value="whatsapp">WhatsApp</option>
              <option value="email">Email</option>
            </select>
          }
        >
          <ErrorNote error={reviewTemplate.error} />
          <QueryView query={templates} what="Loading templates">
            {(rows) =>
              rows.length === 0 ? (
                <Empty>No templates.</Empty>
              ) : (
                <table className="table">
                  <thead>
                    <tr>
                      <th>Channel</th>
                      <th>Name</th>
                      <th>Content</th>
                      <th>Status</th>
                      <th>Updated</th>
                      <th />
                    </tr>
                  </thead>
                  <tbody>
                    {rows.map((t) => (
                      <tr key={t.id}>
                        <td>{t.channel}</td>
                        <td>{t.name}</td>
                        <td className="small">{t.content}</td>
                        <td>
                          <Badge value={t.status} />
                        </td>
                        <td>{time(t.updatedAt)}</td>
                        <td className="actions">
                          {staffAdmin && t.status === "pending" ? (
                            <>
                              <Button
                                onClick={() =>
                                  reviewTemplate.mutate({
                                    ...scope,
                                    templateId: t.id,
                                    decision: "approved",
                                  })
                                }
                              >
                                Approve
                              </Button>
                              <Button
                                kind="danger"
                                onClick={() =>
                                  reviewTemplate.mutate({
                                    ...scope,
                                    templateId: t.id,
                                    decision: "rejected",
                                  })
                                }
                              >
                                Reject
                              </Button>
                            </>
                          ) : null}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )
            }
          </QueryView>
        </Card>
        <div className="stack">
          {author ? <NewTemplate scope={scope} /> : null}
          <Card title="Keywords">
            <ErrorNote error={reviewKeyword.error} />
            <QueryView query={keywords} what="Loading keywords">
              {(rows) =>
                rows.length === 0 ? (
                  <Empty>No keywords registered.</Empty>
                ) : (
                  <table className="table">
                    <tbody>
                      {rows.map((k) => (
                        <tr key={k.id}>
                          <td className="mono">{k.keyword}</td>
                          <td>
                            <Badge value={k.status} />
                          </td>
                          <td className="actions">
                            {staffAdmin && k.status === "pending" ? (
                              <Button
                                onClick={() =>
                                  reviewKeyword.mutate({
                                    ...scope,
                                    keywordId: k.id,
                                    decision: "approved",
                                  })
                                }
                              >
                                Approve
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
      <div className="form-row">
        <Field label="New keyword" hint="1 to 10 letters or digits; waits for staff approval.">
          <input
            value={keyword}
            maxLength={10}
            onChange={(e) => setKeyword(e.target.value.toUpperCase())}
            data-testid="keyword-name"
          />
        </Field>
        <Button
          disabled={!keyword || create.isPending}
          onClick={() => create.mutate({ ...scope, keyword })}
          testId="add-keyword"
        >
          Register
        </Button>
      </div>
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

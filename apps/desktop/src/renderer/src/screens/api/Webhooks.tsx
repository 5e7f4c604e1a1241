import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { webhookEvents } from "@teekrr/shared";
import { useState } from "react";
import { CheckGroup, InputWithAction, toggled } from "../../components/forms.tsx";
import {
  Badge,
  Button,
  Card,
  Empty,
  ErrorNote,
  Field,
  Notice,
  QueryView,
  time,
} from "../../components/ui.tsx";
import { useTRPC } from "../../lib/trpc.ts";
import { Deliveries } from "./Deliveries.tsx";

type Scope = { clientId?: string };
type WebhookEvent = (typeof webhookEvents)[number];

interface Endpoint {
  id: string;
  url: string;
  events: WebhookEvent[];
  active: boolean;
  disabledReason: string | null;
  previousSecretExpiresAt: string | null;
}

/** A signing secret exists in the answer that created it and nowhere else. */
interface ShownSecret {
  secret: string;
  standardWebhooksSecret: string;
  note: string;
}

export function Webhooks({ scope, manage }: { scope: Scope; manage: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const endpoints = useQuery(trpc.webhooks.list.queryOptions(scope));
  const [url, setUrl] = useState("");
  const [shown, setShown] = useState<ShownSecret | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.webhooks.list.queryKey() });
  const create = useMutation(
    trpc.webhooks.create.mutationOptions({
      onSuccess: (data) => {
        setShown({ ...data, note: "" });
        setUrl("");
        void refresh();
      },
    }),
  );
  return (
    <Card title="Webhook endpoints">
      {shown ? <SecretNotice shown={shown} onDone={() => setShown(null)} /> : null}
      <QueryView query={endpoints} what="Loading endpoints">
        {(rows) =>
          rows.length === 0 ? (
            <Empty>No endpoints registered.</Empty>
          ) : (
            <ul className="list">
              {rows.map((endpoint) => (
                <li key={endpoint.id} data-testid={`endpoint-${endpoint.url}`}>
                  <button
                    type="button"
                    className="link"
                    onClick={() => setOpen(open === endpoint.id ? null : endpoint.id)}
                  >
                    {endpoint.url}
                  </button>{" "}
                  <Badge value={endpoint.active ? "active" : "disabled"} />{" "}
                  <span className="small">{endpoint.events.join(", ")}</span>
                  {endpoint.disabledReason ? (
                    <div className="small">Disabled: {endpoint.disabledReason}</div>
                  ) : null}
                  {endpoint.previousSecretExpiresAt ? (
                    <div className="small">
                      The previous secret also signs until {time(endpoint.previousSecretExpiresAt)}.
                    </div>
                  ) : null}
                  {open === endpoint.id ? (
                    <div className="nested">
                      {manage ? (
                        <EndpointSettings
                          scope={scope}
                          endpoint={endpoint}
                          onChanged={() => void refresh()}
                          onRotated={setShown}
                        />
                      ) : null}
                      <Deliveries scope={scope} endpointId={endpoint.id} manage={manage} />
                    </div>
                  ) : null}
                </li>
              ))}
            </ul>
          )
        }
      </QueryView>
      {manage ? (
        <InputWithAction
          label="New endpoint URL"
          value={url}
          onChange={setUrl}
          input={{ placeholder: "https://example.com/hooks", "data-testid": "endpoint-url" }}
          action="Add"
          disabled={!url}
          onAction={() => create.mutate({ ...scope, url })}
          actionTestId="add-endpoint"
        />
      ) : null}
      <ErrorNote error={create.error} />
    </Card>
  );
}

function SecretNotice({ shown, onDone }: { shown: ShownSecret; onDone: () => void }) {
  return (
    <Notice tone="good">
      <div>Copy the signing secret now; it will not be shown again. {shown.note}</div>
      <code className="secret" data-testid="webhook-secret">
        {shown.secret}
      </code>
      <div className="small">For Standard Webhooks libraries:</div>
      <code className="secret">{shown.standardWebhooksSecret}</code>
      <Button kind="ghost" onClick={onDone}>
        Done
      </Button>
    </Notice>
  );
}

function EndpointSettings(props: {
  scope: Scope;
  endpoint: Endpoint;
  onChanged: () => void;
  onRotated: (shown: ShownSecret) => void;
}) {
  const trpc = useTRPC();
  const { endpoint } = props;
  const [url, setUrl] = useState(endpoint.url);
  const [events, setEvents] = useState<WebhookEvent[]>(endpoint.events);
  const [active, setActive] = useState(endpoint.active);
  const [graceHours, setGraceHours] = useState("24");
  const input = { ...props.scope, endpointId: endpoint.id };
  const update = useMutation(trpc.webhooks.update.mutationOptions({ onSuccess: props.onChanged }));
  const rotate = useMutation(
    trpc.webhooks.rotateSecret.mutationOptions({
      onSuccess: (data) => {
        props.onRotated({
          ...data,
          note: data.previousSecretExpiresAt
            ? `The previous secret also signs until ${time(data.previousSecretExpiresAt)}.`
            : "The previous secret stopped signing at once.",
        });
        props.onChanged();
      },
    }),
  );

  return (
    <div className="endpoint-settings" data-testid="endpoint-settings">
      <Field label="URL">
        <input value={url} onChange={(e) => setUrl(e.target.value)} data-testid="edit-url" />
      </Field>
      <CheckGroup
        label="Events"
        options={webhookEvents}
        chosen={events}
        onToggle={(event) => setEvents((current) => toggled(current, event))}
        testIdOf={(event) => `event-${event}`}
      />
      <label className="check">
        <input
          type="checkbox"
          checked={active}
          onChange={(e) => setActive(e.target.checked)}
          data-testid="edit-active"
        />
        Active
      </label>
      <div>
        <Button
          kind="primary"
          disabled={events.length === 0 || update.isPending}
          onClick={() => update.mutate({ ...input, url, events, active })}
          testId="save-endpoint"
        >
          Save
        </Button>
      </div>
      {update.isSuccess ? <Notice tone="good">Saved.</Notice> : null}
      <InputWithAction
        label="Grace hours"
        hint="How long the old secret keeps signing (0 to 168)."
        value={graceHours}
        onChange={setGraceHours}
        input={{ type: "number", min: 0, max: 168, "data-testid": "grace-hours" }}
        action="Rotate secret"
        disabled={rotate.isPending}
        onAction={() => rotate.mutate({ ...input, graceHours: Number(graceHours) || 0 })}
        actionTestId="rotate-secret"
      />
      <ErrorNote error={update.error ?? rotate.error} />
    </div>
  );
}

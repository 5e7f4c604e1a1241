import { useMutation, useQuery } from "@tanstack/react-query";
import { formatRinggit } from "@teekrr/shared";
import { useDeferredValue, useState } from "react";
import { Button, Card, Empty, ErrorNote, Field, Notice } from "../../components/ui.tsx";
import { columnKey } from "../../lib/csv.ts";
import { useTRPC } from "../../lib/trpc.ts";
import {
  RecipientReport,
  RecipientsCard,
  useRecipientRows,
  useRecipientSource,
} from "./recipients.tsx";
import { SendPanel, sendableRows } from "./SendPanel.tsx";
import {
  type Binding,
  mediaKeyOf,
  parametersOf,
  recipientRows,
  sharedVariables,
  usesColumns,
} from "./whatsapp-values.ts";

export function WhatsAppCompose(props: { scope: { clientId?: string }; campaignName: string }) {
  const { scope } = props;
  const trpc = useTRPC();
  const templates = useQuery(trpc.compose.whatsappTemplates.queryOptions(scope));
  const [templateName, setTemplateName] = useState("");
  const [bindings, setBindings] = useState<Record<string, Binding>>({});
  const [mediaUrl, setMediaUrl] = useState("");
  const [testPhone, setTestPhone] = useState("");
  const source = useRecipientSource();
  const { header, rows, addressColumn } = useRecipientRows(source, "phone");
  const columns = header
    .map((name, index) => ({ name, index }))
    .filter((column) => column.index !== addressColumn && columnKey(column.name))
    .map((column) => columnKey(column.name));

  const template = templates.data?.find((t) => t.name === templateName);
  const parameters = template ? parametersOf(template) : [];
  const mediaKey = template ? mediaKeyOf(template) : null;
  const perRecipient = usesColumns(bindings);
  // With any column in use every row carries all its values; the media link stays shared.
  const media = mediaKey && mediaUrl.trim() ? { [mediaKey]: mediaUrl.trim() } : {};
  const request = {
    ...scope,
    templateName,
    variables: template && !perRecipient ? sharedVariables(template, bindings, mediaUrl) : media,
    recipients:
      template && perRecipient
        ? recipientRows(template, bindings, rows)
        : rows.map((row) => ({ phone: row.phone ?? "" })),
  };
  const deferred = useDeferredValue(request);
  const ready = Boolean(template) && rows.length > 0;
  const preview = useQuery({
    ...trpc.compose.previewWhatsapp.queryOptions(deferred),
    enabled: ready,
    placeholderData: (previous) => previous,
  });
  const send = useMutation(trpc.compose.sendWhatsapp.mutationOptions());
  const testSend = useMutation(trpc.compose.testWhatsapp.mutationOptions());

  const choose = (name: string) => {
    setTemplateName(name);
    setBindings({});
    send.reset();
  };
  const bind = (key: string, binding: Binding) =>
    setBindings((current) => ({ ...current, [key]: binding }));

  const onSend = (scheduledAt: string | undefined) => {
    const kept = sendableRows(request.recipients, preview.data?.recipients);
    send.mutate({
      ...scope,
      body: {
        campaignName: props.campaignName || "Console broadcast",
        type: scheduledAt ? "schedule broadcast" : "quick broadcast",
        scheduledAt,
        templateName,
        variables: request.variables,
        ...(perRecipient
          ? { recipientVariables: kept }
          : { recipients: kept.map((row) => row.phone ?? "") }),
      },
    });
  };

  return (
    <>
      <div className="grid-2">
        <Card title="Template">
          <Field label="Approved WhatsApp template">
            <select
              value={templateName}
              onChange={(e) => choose(e.target.value)}
              data-testid="wa-template"
            >
              <option value="">Choose…</option>
              {(templates.data ?? []).map((t) => (
                <option key={t.name} value={t.name}>
                  {t.name} ({t.language})
                </option>
              ))}
            </select>
          </Field>
          <ErrorNote error={templates.error} />
          {templates.data && templates.data.length === 0 ? (
            <Empty>No approved WhatsApp templates yet.</Empty>
          ) : null}
          {template ? (
            <>
              <div className="wa-bubble" data-testid="wa-template-text">
                {template.headerFormat === "TEXT" ? (
                  <strong>{template.headerText}</strong>
                ) : template.headerFormat ? (
                  <em>[{template.headerFormat.toLowerCase()} header]</em>
                ) : null}
                <div>{template.bodyText}</div>
                {template.footerText ? <small>{template.footerText}</small> : null}
              </div>
              {mediaKey ? (
                <Field label="Header media URL" hint="A link Meta can fetch (https).">
                  <input
                    value={mediaUrl}
                    onChange={(e) => setMediaUrl(e.target.value)}
                    placeholder="https://cdn.example.com/banner.jpg"
                    data-testid="wa-media"
                  />
                </Field>
              ) : null}
              {parameters.length === 0 ? (
                <div className="small">This template takes no parameters.</div>
              ) : (
                <table className="table params" data-testid="wa-params">
                  <thead>
                    <tr>
                      <th>Parameter</th>
                      <th>From</th>
                      <th>Value</th>
                    </tr>
                  </thead>
                  <tbody>
                    {parameters.map((parameter) => {
                      const binding = bindings[parameter.key] ?? { kind: "value", value: "" };
                      return (
                        <tr key={parameter.key}>
                          <td className="mono">{parameter.label}</td>
                          <td>
                            <select
                              value={binding.kind === "column" ? binding.column : ""}
                              onChange={(e) =>
                                bind(
                                  parameter.key,
                                  e.target.value
                                    ? { kind: "column", column: e.target.value }
                                    : { kind: "value", value: "" },
                                )
                              }
                              data-testid={`wa-source-${parameter.key}`}
                            >
                              <option value="">Typed value</option>
                              {columns.map((column) => (
                                <option key={column} value={column}>
                                  Column {column}
                                </option>
                              ))}
                            </select>
                          </td>
                          <td>
                            {binding.kind === "value" ? (
                              <input
                                value={binding.value}
                                onChange={(e) =>
                                  bind(parameter.key, { kind: "value", value: e.target.value })
                                }
                                data-testid={`wa-value-${parameter.key}`}
                              />
                            ) : (
                              <span className="small">per recipient</span>
                            )}
                          </td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              )}
            </>
          ) : null}
        </Card>
        <RecipientsCard source={source} header={header} addressField="phone">
          <RecipientReport validation={preview.data?.recipients} />
        </RecipientsCard>
      </div>

      <div className="grid-2">
        <Card title="Per-recipient preview">
          {preview.data && preview.data.problems.length > 0 ? (
            <Notice tone="bad">
              <ul className="problems" data-testid="wa-problems">
                {preview.data.problems.slice(0, 10).map((problem) => (
                  <li key={`${problem.field}-${problem.message}`}>{problem.message}</li>
                ))}
              </ul>
            </Notice>
          ) : null}
          {!preview.data || preview.data.previews.length === 0 ? (
            <div className="state state-empty">
              Choose a template and add recipients to preview their messages.
            </div>
          ) : (
            <table className="table" data-testid="wa-previews">
              <thead>
                <tr>
                  <th>Number</th>
                  <th>Message</th>
                </tr>
              </thead>
              <tbody>
                {preview.data.previews.map((entry) => (
                  <tr key={entry.recipient}>
                    <td className="mono">{entry.recipient}</td>
                    <td>{entry.text}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </Card>
        <SendPanel
          estimate={preview.data}
          estimateError={preview.error}
          rate={preview.data ? `${formatRinggit(preview.data.ratePerMessage)} / message` : "—"}
          ready={ready && (preview.data?.problems.length ?? 1) === 0}
          sending={send.isPending}
          sent={send.data}
          sendError={send.error}
          onSend={onSend}
        >
          <div className="form-row">
            <Field label="Test number" hint="Free; goes to Meta at once.">
              <input
                value={testPhone}
                onChange={(e) => setTestPhone(e.target.value)}
                placeholder="60123456789"
                data-testid="wa-test-phone"
              />
            </Field>
            <Button
              disabled={!template || !testPhone || testSend.isPending}
              testId="wa-test-send"
              onClick={() =>
                template &&
                testSend.mutate({
                  ...scope,
                  body: {
                    templateName,
                    to: testPhone.replace(/[\s-]/g, ""),
                    variables: sharedVariables(template, bindings, mediaUrl, rows[0]),
                  },
                })
              }
            >
              Send test
            </Button>
          </div>
          {testSend.data ? (
            <Notice tone="good">
              <span data-testid="wa-test-sent">
                Test accepted by Meta ({testSend.data.providerMessageId}).
              </span>
            </Notice>
          ) : null}
          <ErrorNote error={testSend.error} />
        </SendPanel>
      </div>
    </>
  );
}

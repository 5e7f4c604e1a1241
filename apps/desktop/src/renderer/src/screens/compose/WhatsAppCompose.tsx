import { useMutation, useQuery } from "@tanstack/react-query";
import { formatRinggit } from "@teekrr/shared";
import { useDeferredValue, useState } from "react";
import { DataTable } from "../../components/DataTable.tsx";
import { InputWithAction } from "../../components/forms.tsx";
import { Card, ErrorNote, Field, Notice } from "../../components/ui.tsx";
import { columnKey } from "../../lib/csv.ts";
import { useTRPC } from "../../lib/trpc.ts";
import {
  RecipientReport,
  RecipientsCard,
  useRecipientRows,
  useRecipientSource,
} from "./recipients.tsx";
import { SendPanel, sendableRows } from "./SendPanel.tsx";
import { TemplatePicker } from "./TemplatePicker.tsx";
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
          <TemplatePicker
            channel="WhatsApp"
            templates={templates}
            value={templateName}
            onChoose={choose}
            labelOf={(t) => `${t.name} (${t.language})`}
            testId="wa-template"
          />
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
          <DataTable
            testId="wa-previews"
            rows={preview.data?.previews ?? []}
            rowKey={(entry) => entry.recipient}
            empty="Choose a template and add recipients to preview their messages."
            columns={[
              { header: "Number", className: "mono", cell: (entry) => entry.recipient },
              { header: "Message", cell: (entry) => entry.text },
            ]}
          />
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
          <InputWithAction
            label="Test number"
            hint="Free; goes to Meta at once."
            value={testPhone}
            onChange={setTestPhone}
            input={{ placeholder: "60123456789", "data-testid": "wa-test-phone" }}
            action="Send test"
            disabled={!template || !testPhone || testSend.isPending}
            actionTestId="wa-test-send"
            onAction={() =>
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
          />
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

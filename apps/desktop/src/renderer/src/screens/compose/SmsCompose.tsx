import { useMutation, useQuery } from "@tanstack/react-query";
import {
  complianceWarnings,
  composeSmsText,
  fillPlaceholders,
  formatRinggit,
  segmentSms,
  smsPrefix,
} from "@teekrr/shared";
import { useDeferredValue, useState } from "react";
import { DataTable } from "../../components/DataTable.tsx";
import { InputWithAction } from "../../components/forms.tsx";
import { Badge, Card, ErrorNote, Field, Notice } from "../../components/ui.tsx";
import { useTRPC } from "../../lib/trpc.ts";
import {
  RecipientReport,
  RecipientsCard,
  useRecipientRows,
  useRecipientSource,
} from "./recipients.tsx";
import { SendPanel, sendableRows } from "./SendPanel.tsx";

export function SmsCompose(props: { scope: { clientId?: string }; campaignName: string }) {
  const { scope } = props;
  const trpc = useTRPC();
  const [source, setSource] = useState<"text" | "template">("text");
  const [content, setContent] = useState("");
  const [templateName, setTemplateName] = useState("");
  const [keyword, setKeyword] = useState("");
  const [testPhone, setTestPhone] = useState("");
  const recipientSource = useRecipientSource();
  const { header, rows } = useRecipientRows(recipientSource, "phone");

  const templates = useQuery(trpc.content.templates.queryOptions({ ...scope, channel: "sms" }));
  const keywords = useQuery(trpc.content.keywords.queryOptions(scope));
  const approvedTemplates = (templates.data ?? []).filter((t) => t.status === "approved");
  const template = approvedTemplates.find((t) => t.name === templateName);
  const body = source === "template" ? (template?.content ?? "") : content;

  // Typing gets an instant local count; the server's estimate follows for the whole list.
  const text = composeSmsText(fillPlaceholders(body, rows[0] ?? {}), keyword || null);
  const segmentation = segmentSms(text);
  const warnings = complianceWarnings(text);

  const request = {
    ...scope,
    content: source === "text" ? content : undefined,
    templateName: source === "template" ? templateName : undefined,
    keyword: keyword || undefined,
    recipients: rows,
  };
  const deferred = useDeferredValue(request);
  const ready = body.trim().length > 0 && rows.length > 0;
  const preview = useQuery({
    ...trpc.compose.previewSms.queryOptions(deferred),
    enabled: ready,
    placeholderData: (previous) => previous,
  });
  const send = useMutation(trpc.compose.sendSms.mutationOptions());
  const testSend = useMutation(trpc.compose.testSms.mutationOptions());

  return (
    <>
      <div className="grid-2">
        <Card title="Message">
          <div className="form-row">
            <Field label="Content">
              <select
                value={source}
                onChange={(e) => setSource(e.target.value as "text" | "template")}
              >
                <option value="text">Ad-hoc text</option>
                <option value="template">Approved template</option>
              </select>
            </Field>
            <Field label="Keyword">
              <select
                value={keyword}
                onChange={(e) => setKeyword(e.target.value)}
                data-testid="keyword"
              >
                <option value="">None</option>
                {(keywords.data ?? [])
                  .filter((k) => k.status === "approved")
                  .map((k) => (
                    <option key={k.id} value={k.keyword}>
                      {k.keyword}
                    </option>
                  ))}
              </select>
            </Field>
          </div>
          {source === "template" ? (
            <Field label="Template">
              <select value={templateName} onChange={(e) => setTemplateName(e.target.value)}>
                <option value="">Choose…</option>
                {approvedTemplates.map((t) => (
                  <option key={t.id} value={t.name}>
                    {t.name}
                  </option>
                ))}
              </select>
            </Field>
          ) : (
            <Field
              label="Text"
              hint={`The ${smsPrefix.trim()} marker is added in front; use {name} for a column.`}
            >
              <textarea
                rows={4}
                value={content}
                onChange={(e) => setContent(e.target.value)}
                data-testid="content"
              />
            </Field>
          )}
          <div className="counter" data-testid="segment-counter">
            <Badge value={segmentation.encoding} /> {segmentation.units} units ·{" "}
            {segmentation.segments} segment{segmentation.segments === 1 ? "" : "s"} ·{" "}
            {segmentation.remaining} left in this segment
          </div>
          <pre className="sms-preview" data-testid="sms-preview">
            {text}
          </pre>
          {warnings.map((warning) => (
            <Notice key={warning.code} tone="warn">
              {warning.message}
            </Notice>
          ))}
        </Card>
        <RecipientsCard source={recipientSource} header={header} addressField="phone">
          <RecipientReport validation={preview.data?.recipients} />
        </RecipientsCard>
      </div>

      <div className="grid-2">
        <Card title="Per-recipient preview">
          <DataTable
            rows={rows.slice(0, 5).map((row) => ({
              phone: row.phone,
              text: composeSmsText(fillPlaceholders(body, row), keyword || null),
            }))}
            rowKey={(row, index) => `${row.phone}-${index}`}
            empty="Add recipients to preview their messages."
            columns={[
              { header: "#", cell: (_, index) => index + 1 },
              { header: "Number", className: "mono", cell: (row) => row.phone },
              { header: "Message", cell: (row) => row.text },
              { header: "Segments", cell: (row) => segmentSms(row.text).segments },
            ]}
          />
        </Card>
        <SendPanel
          estimate={preview.data}
          estimateError={preview.error}
          rate={preview.data ? `${formatRinggit(preview.data.ratePerSegment)} / segment` : "—"}
          ready={ready}
          sending={send.isPending}
          sent={send.data}
          sendError={send.error}
          onSend={(scheduledAt) =>
            send.mutate({
              ...request,
              campaignName: props.campaignName || "Console broadcast",
              recipients: sendableRows(rows, preview.data?.recipients),
              scheduledAt,
            })
          }
        >
          <InputWithAction
            label="Test number"
            value={testPhone}
            onChange={setTestPhone}
            input={{ placeholder: "012-345 6789" }}
            action="Send test"
            disabled={!body || !testPhone || testSend.isPending}
            onAction={() => testSend.mutate({ ...request, phone: testPhone })}
          />
          {testSend.data ? <Notice tone="good">Test sent.</Notice> : null}
          <ErrorNote error={testSend.error} />
        </SendPanel>
      </div>
    </>
  );
}

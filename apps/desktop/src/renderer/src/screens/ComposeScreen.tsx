import { useMutation, useQuery } from "@tanstack/react-query";
import {
  complianceWarnings,
  composeSmsText,
  fillPlaceholders,
  formatRinggit,
  segmentSms,
  smsPrefix,
} from "@teekrr/shared";
import { type ChangeEvent, useDeferredValue, useMemo, useState } from "react";
import { Badge, Button, Card, ErrorNote, Field, Money, Notice, Stat } from "../components/ui.tsx";
import { mapColumns, parseCsv } from "../lib/csv.ts";
import { useTRPC } from "../lib/trpc.ts";

/** Recipient rows from pasted or imported text, with the chosen column as the number. */
function useRecipients(text: string, hasHeader: boolean, phoneColumn: number) {
  return useMemo(() => {
    const rows = parseCsv(text);
    const width = Math.max(1, ...rows.map((row) => row.length));
    const header = hasHeader
      ? (rows[0] ?? [])
      : Array.from({ length: width }, (_, index) => (index === 0 ? "phone" : `column${index + 1}`));
    const data = hasHeader ? rows.slice(1) : rows;
    return { header, recipients: mapColumns(header, data, Math.min(phoneColumn, width - 1)) };
  }, [text, hasHeader, phoneColumn]);
}

export function ComposeScreen({ scope }: { scope: { clientId?: string } }) {
  const trpc = useTRPC();
  const [channel, setChannel] = useState("sms");
  const [source, setSource] = useState<"text" | "template">("text");
  const [content, setContent] = useState("");
  const [templateName, setTemplateName] = useState("");
  const [keyword, setKeyword] = useState("");
  const [campaignName, setCampaignName] = useState("");
  const [recipientText, setRecipientText] = useState("");
  const [hasHeader, setHasHeader] = useState(false);
  const [phoneColumn, setPhoneColumn] = useState(0);
  const [scheduleAt, setScheduleAt] = useState("");
  const [testPhone, setTestPhone] = useState("");

  const templates = useQuery(trpc.content.templates.queryOptions({ ...scope, channel: "sms" }));
  const keywords = useQuery(trpc.content.keywords.queryOptions(scope));
  const approvedTemplates = (templates.data ?? []).filter((t) => t.status === "approved");
  const template = approvedTemplates.find((t) => t.name === templateName);
  const body = source === "template" ? (template?.content ?? "") : content;
  const { header, recipients } = useRecipients(recipientText, hasHeader, phoneColumn);

  const text = composeSmsText(fillPlaceholders(body, recipients[0] ?? {}), keyword || null);
  const segmentation = segmentSms(text);
  const warnings = complianceWarnings(text);

  const request = {
    ...scope,
    content: source === "text" ? content : undefined,
    templateName: source === "template" ? templateName : undefined,
    keyword: keyword || undefined,
    recipients,
  };
  const deferred = useDeferredValue(request);
  const ready = body.trim().length > 0 && recipients.length > 0;
  const preview = useQuery({
    ...trpc.compose.previewSms.queryOptions(deferred),
    enabled: ready,
    placeholderData: (previous) => previous,
  });

  const send = useMutation(trpc.compose.sendSms.mutationOptions());
  const testSend = useMutation(trpc.compose.testSms.mutationOptions());

  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    setRecipientText(await file.text());
    setHasHeader(true);
    setPhoneColumn(0);
  };

  const submit = () =>
    send.mutate({
      ...request,
      campaignName: campaignName || "Console broadcast",
      recipients: recipients.filter(
        (_, index) =>
          !preview.data?.recipients.invalid.some((problem) => problem.row === index + 1),
      ),
      scheduledAt: scheduleAt ? new Date(scheduleAt).toISOString() : undefined,
    });

  return (
    <div className="screen">
      <h1>Compose</h1>
      <div className="grid-2">
        <Card title="Message">
          <div className="form-row">
            <Field label="Channel">
              <select
                value={channel}
                onChange={(e) => setChannel(e.target.value)}
                data-testid="channel"
              >
                <option value="sms">SMS</option>
                <option value="whatsapp">WhatsApp</option>
                <option value="email">Email</option>
              </select>
            </Field>
            <Field label="Campaign name">
              <input
                value={campaignName}
                onChange={(e) => setCampaignName(e.target.value)}
                data-testid="campaign"
              />
            </Field>
          </div>
          {channel !== "sms" ? (
            <Notice tone="warn">
              The console sends SMS only for now; send{" "}
              {channel === "whatsapp" ? "WhatsApp" : "email"} broadcasts through the REST API.
            </Notice>
          ) : null}
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

        <Card
          title="Recipients"
          actions={
            <label className="button button-secondary file-button">
              Import CSV
              <input
                type="file"
                accept=".csv,text/csv"
                onChange={importFile}
                data-testid="csv-file"
              />
            </label>
          }
        >
          <Field label="Numbers, one per line, or CSV rows">
            <textarea
              rows={6}
              value={recipientText}
              onChange={(e) => setRecipientText(e.target.value)}
              data-testid="recipients"
            />
          </Field>
          <div className="form-row">
            <label className="check">
              <input
                type="checkbox"
                checked={hasHeader}
                onChange={(e) => setHasHeader(e.target.checked)}
              />
              First row is a header
            </label>
            <Field label="Phone column">
              <select
                value={phoneColumn}
                onChange={(e) => setPhoneColumn(Number(e.target.value))}
                data-testid="phone-column"
              >
                {header.map((name, index) => (
                  // biome-ignore lint/suspicious/noArrayIndexKey: a column is its position
                  <option key={`${name}-${index}`} value={index}>
                    {name || `column ${index + 1}`}
                  </option>
                ))}
              </select>
            </Field>
          </div>
          <RecipientReport preview={preview.data} />
        </Card>
      </div>

      <div className="grid-2">
        <Card title="Per-recipient preview">
          {recipients.length === 0 ? (
            <div className="state state-empty">Add recipients to preview their messages.</div>
          ) : (
            <table className="table">
              <thead>
                <tr>
                  <th>#</th>
                  <th>Number</th>
                  <th>Message</th>
                  <th>Segments</th>
                </tr>
              </thead>
              <tbody>
                {recipients.slice(0, 5).map((row, index) => {
                  const own = composeSmsText(fillPlaceholders(body, row), keyword || null);
                  return (
                    // biome-ignore lint/suspicious/noArrayIndexKey: a row is its position
                    <tr key={`${row.phone}-${index}`}>
                      <td>{index + 1}</td>
                      <td className="mono">{row.phone}</td>
                      <td>{own}</td>
                      <td>{segmentSms(own).segments}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )}
        </Card>

        <Card title="Cost and send">
          <ErrorNote error={preview.error} />
          <div className="stats">
            <Stat label="Estimated cost" value={<Money sen={preview.data?.cost} />} testId="cost" />
            <Stat
              label={preview.data?.billing === "postpaid" ? "Left under cap" : "Available credit"}
              value={<Money sen={preview.data?.available} />}
            />
            <Stat
              label="Rate"
              value={preview.data ? `${formatRinggit(preview.data.ratePerSegment)} / segment` : "—"}
            />
          </div>
          {preview.data && !preview.data.enough ? (
            <Notice tone="bad">This broadcast costs more than is available.</Notice>
          ) : null}
          <div className="form-row">
            <Field label="Test number">
              <input
                value={testPhone}
                onChange={(e) => setTestPhone(e.target.value)}
                placeholder="012-345 6789"
              />
            </Field>
            <Button
              disabled={!body || !testPhone || testSend.isPending}
              onClick={() => testSend.mutate({ ...request, phone: testPhone })}
            >
              Send test
            </Button>
          </div>
          {testSend.data ? <Notice tone="good">Test sent.</Notice> : null}
          <ErrorNote error={testSend.error} />
          <div className="form-row">
            <Field label="Schedule (optional)">
              <input
                type="datetime-local"
                value={scheduleAt}
                onChange={(e) => setScheduleAt(e.target.value)}
              />
            </Field>
            <Button
              kind="primary"
              disabled={channel !== "sms" || !ready || send.isPending || !preview.data?.enough}
              onClick={submit}
              testId="send"
            >
              {scheduleAt ? "Schedule" : "Send now"}
            </Button>
          </div>
          {send.data ? (
            <Notice tone="good">
              <span data-testid="sent">
                {send.data.status === "scheduled" ? "Scheduled" : "Queued"} {send.data.queued}{" "}
                messages, {formatRinggit(send.data.reserved)} reserved.
              </span>
            </Notice>
          ) : null}
          <ErrorNote error={send.error} />
        </Card>
      </div>
    </div>
  );
}

interface Problem {
  row: number;
  value: string;
  message: string;
}

function RecipientReport(props: {
  preview?: {
    recipients: { total: number; valid: number; invalid: Problem[]; duplicates: Problem[] };
  };
}) {
  const report = props.preview?.recipients;
  if (!report) return null;
  const problems = [...report.invalid, ...report.duplicates].sort((a, b) => a.row - b.row);
  return (
    <div className="recipient-report" data-testid="recipient-report">
      <div>
        {report.total} rows · <strong>{report.valid} valid</strong> · {report.invalid.length}{" "}
        invalid · {report.duplicates.length} duplicate
      </div>
      {problems.length > 0 ? (
        <ul className="problems">
          {problems.slice(0, 20).map((problem) => (
            <li key={`${problem.row}-${problem.message}`}>
              Row {problem.row}: <span className="mono">{problem.value || "(empty)"}</span> —{" "}
              {problem.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

import { useMutation, useQuery } from "@tanstack/react-query";
import { formatRinggit } from "@teekrr/shared";
import { useDeferredValue, useState } from "react";
import { DataTable } from "../../components/DataTable.tsx";
import { Card, Field } from "../../components/ui.tsx";
import { useTRPC } from "../../lib/trpc.ts";
import {
  RecipientReport,
  RecipientsCard,
  useRecipientRows,
  useRecipientSource,
} from "./recipients.tsx";
import { SendPanel, sendableRows } from "./SendPanel.tsx";
import { TemplatePicker } from "./TemplatePicker.tsx";

export function EmailCompose(props: { scope: { clientId?: string }; campaignName: string }) {
  const { scope } = props;
  const trpc = useTRPC();
  const templates = useQuery(trpc.compose.emailTemplates.queryOptions(scope));
  const [templateName, setTemplateName] = useState("");
  const [subject, setSubject] = useState("");
  const source = useRecipientSource();
  const { header, rows } = useRecipientRows(source, "email");
  const template = templates.data?.find((t) => t.name === templateName);

  const request = { ...scope, templateName, subject, recipients: rows };
  const deferred = useDeferredValue(request);
  const ready = Boolean(template) && subject.trim().length > 0 && rows.length > 0;
  const preview = useQuery({
    ...trpc.compose.previewEmail.queryOptions(deferred),
    enabled: ready,
    placeholderData: (previous) => previous,
  });
  const send = useMutation(trpc.compose.sendEmail.mutationOptions());

  const choose = (name: string) => {
    setTemplateName(name);
    setSubject(templates.data?.find((t) => t.name === name)?.subject ?? "");
    send.reset();
  };
  const onSend = (scheduledAt: string | undefined) =>
    send.mutate({
      ...scope,
      body: {
        campaignName: props.campaignName || "Console broadcast",
        type: scheduledAt ? "schedule broadcast" : "quick broadcast",
        scheduledAt,
        templateName,
        subject,
        recipientVariables: sendableRows(rows, preview.data?.recipients),
      },
    });

  return (
    <>
      <div className="grid-2">
        <Card title="Email">
          <TemplatePicker
            channel="email"
            templates={templates}
            value={templateName}
            onChoose={choose}
            testId="email-template"
          />
          <Field label="Subject" hint="Use {name} for a column of the recipient list.">
            <input
              value={subject}
              maxLength={200}
              onChange={(e) => setSubject(e.target.value)}
              data-testid="email-subject"
            />
          </Field>
          {template ? (
            <>
              <div className="small">
                From {preview.data?.from ?? "the client's sender"}
                {template.hasHtml ? " · HTML and text bodies" : " · text body"}
              </div>
              <pre className="sms-preview">{template.text}</pre>
            </>
          ) : null}
        </Card>
        <RecipientsCard source={source} header={header} addressField="email">
          <RecipientReport
            validation={preview.data?.recipients}
            suppressed={preview.data?.suppressed}
          />
        </RecipientsCard>
      </div>

      <div className="grid-2">
        <Card title="Per-recipient preview">
          <DataTable
            testId="email-previews"
            rows={preview.data?.previews ?? []}
            rowKey={(entry) => entry.recipient}
            empty="Choose a template and add recipients to preview their emails."
            columns={[
              { header: "Address", className: "mono", cell: (entry) => entry.recipient },
              { header: "Subject", cell: (entry) => entry.subject },
              { header: "Text", className: "wrap", cell: (entry) => entry.text },
            ]}
          />
        </Card>
        <SendPanel
          estimate={preview.data}
          estimateError={preview.error}
          rate={preview.data ? `${formatRinggit(preview.data.ratePerMessage)} / email` : "—"}
          ready={ready && (preview.data?.sendable ?? 0) > 0}
          sending={send.isPending}
          sent={send.data}
          sendError={send.error}
          onSend={onSend}
        />
      </div>
    </>
  );
}

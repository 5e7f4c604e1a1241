import { formatRinggit } from "@teekrr/shared";
import { useState } from "react";
import { Button, Card, ErrorNote, Field, Money, Notice, Stat } from "../../components/ui.tsx";

export interface Estimate {
  cost: number;
  billing: "prepaid" | "postpaid";
  available: number;
  enough: boolean;
}

export interface Accepted {
  status: "queued" | "scheduled";
  queued: number;
  reserved: number;
  suppressed?: number;
}

/**
 * The cost of what is composed against the balance or cap, the optional schedule, and the
 * send button, which stays off until there is something affordable to send.
 */
export function SendPanel(props: {
  estimate: Estimate | undefined;
  estimateError: unknown;
  rate: string;
  ready: boolean;
  sending: boolean;
  sent: Accepted | undefined;
  sendError: unknown;
  onSend: (scheduledAt: string | undefined) => void;
  children?: React.ReactNode;
}) {
  const [scheduleAt, setScheduleAt] = useState("");
  const { estimate } = props;
  return (
    <Card title="Cost and send">
      <ErrorNote error={props.estimateError} />
      <div className="stats">
        <Stat label="Estimated cost" value={<Money sen={estimate?.cost} />} testId="cost" />
        <Stat
          label={estimate?.billing === "postpaid" ? "Left under cap" : "Available credit"}
          value={<Money sen={estimate?.available} />}
        />
        <Stat label="Rate" value={props.rate} />
      </div>
      {estimate && !estimate.enough ? (
        <Notice tone="bad">This broadcast costs more than is available.</Notice>
      ) : null}
      {props.children}
      <div className="form-row">
        <Field label="Schedule (optional)">
          <input
            type="datetime-local"
            value={scheduleAt}
            onChange={(e) => setScheduleAt(e.target.value)}
            data-testid="schedule-at"
          />
        </Field>
        <Button
          kind="primary"
          disabled={!props.ready || props.sending || !estimate?.enough}
          onClick={() => props.onSend(scheduleAt ? new Date(scheduleAt).toISOString() : undefined)}
          testId="send"
        >
          {scheduleAt ? "Schedule" : "Send now"}
        </Button>
      </div>
      {props.sent ? (
        <Notice tone="good">
          <span data-testid="sent">
            {props.sent.status === "scheduled" ? "Scheduled" : "Queued"} {props.sent.queued}{" "}
            messages, {formatRinggit(props.sent.reserved)} reserved
            {props.sent.suppressed ? `, ${props.sent.suppressed} suppressed skipped` : ""}.
          </span>
        </Notice>
      ) : null}
      <ErrorNote error={props.sendError} />
    </Card>
  );
}

/** Rows the API would refuse the whole request for; repeats are fine, they are sent once. */
export function sendableRows<Row>(
  rows: Row[],
  validation: { invalid: { row: number; code: string }[] } | undefined,
): Row[] {
  const refused = new Set(
    (validation?.invalid ?? []).filter((p) => p.code !== "duplicate").map((p) => p.row),
  );
  return rows.filter((_, index) => !refused.has(index));
}

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { formatRinggit } from "@teekrr/shared";
import { useState } from "react";
import { LineChart } from "../components/chart.tsx";
import { type Column, DataTable } from "../components/DataTable.tsx";
import { FilterSelect, InputWithAction } from "../components/forms.tsx";
import {
  Badge,
  Button,
  Card,
  ErrorNote,
  Field,
  Money,
  Notice,
  QueryView,
  Stat,
  time,
} from "../components/ui.tsx";
import { downloadExport } from "../lib/csv.ts";
import type { Outputs } from "../lib/outputs.ts";
import { useTRPC } from "../lib/trpc.ts";
import { can, type Viewer } from "./types.ts";

const kinds = ["topup", "reservation", "settlement", "release", "adjustment"] as const;
type Kind = (typeof kinds)[number];

/** Whole ringgit and sen typed by a person, as integer sen. */
function senFrom(text: string): number | null {
  if (!/^-?\d+(\.\d{1,2})?$/.test(text.trim())) return null;
  return Math.round(Number(text) * 100);
}

type LedgerRow = Outputs["finance"]["ledger"][number];

const ledgerColumns: Column<LedgerRow>[] = [
  { header: "Time", cell: (entry) => time(entry.createdAt) },
  { header: "Kind", cell: (entry) => <Badge value={entry.kind} /> },
  { header: "Amount", cell: (entry) => <Money sen={entry.amount} /> },
  {
    header: "Effect",
    className: (entry) => (entry.signed < 0 ? "negative" : undefined),
    cell: (entry) => (entry.signed === 0 ? "—" : <Money sen={entry.signed} />),
  },
  {
    header: "Broadcast",
    className: "mono small",
    cell: (entry) => entry.broadcastUuid?.slice(0, 8) ?? "",
  },
  { header: "Reason", cell: (entry) => entry.reason ?? "" },
  { header: "By", cell: (entry) => entry.actor ?? "" },
];

export function FinanceScreen({ scope, viewer }: { scope: { clientId?: string }; viewer: Viewer }) {
  const trpc = useTRPC();
  const summary = useQuery(trpc.finance.summary.queryOptions(scope));
  const spend = useQuery(trpc.finance.dailySpend.queryOptions({ ...scope, days: 30 }));
  const [kind, setKind] = useState<Kind | "">("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const ledger = useQuery(
    trpc.finance.ledger.queryOptions({
      ...scope,
      kinds: kind ? [kind] : undefined,
      from: from || undefined,
      to: to || undefined,
      limit: 200,
    }),
  );
  const statement = useQuery({
    ...trpc.finance.statementCsv.queryOptions({
      ...scope,
      cycleStart: summary.data?.cycleStart ?? "2000-01-01",
    }),
    enabled: false,
  });
  const exportStatement = () => downloadExport(statement);

  return (
    <div className="screen">
      <div className="title-row">
        <h1>Finance</h1>
        <div className="spacer" />
        <Button onClick={exportStatement} disabled={!summary.data}>
          Statement CSV (this cycle)
        </Button>
      </div>
      <QueryView query={summary} what="Loading balance">
        {(s) => (
          <div className="stats" data-testid="finance-stats">
            <Stat
              label={`${s.name} · ${s.billing}`}
              value={<Money sen={s.balance} />}
              hint="balance"
              testId="balance"
            />
            <Stat label="Reserved" value={<Money sen={s.reserved} />} />
            <Stat
              label="Settled this cycle"
              value={<Money sen={s.settledThisCycle} />}
              hint={`since ${s.cycleStart}`}
            />
            {s.billing === "postpaid" ? (
              <Stat
                label="Cap used"
                value={
                  <>
                    <Money sen={s.capUsed} /> / <Money sen={s.spendingCap} />
                  </>
                }
              />
            ) : null}
          </div>
        )}
      </QueryView>
      <div className="grid-2 wide-left">
        <Card title="Daily spend, last 30 days">
          <QueryView query={spend} what="Loading chart">
            {(points) => (
              <LineChart
                points={points}
                xKey="day"
                formatY={(value) => formatRinggit(value)}
                minMax={100}
                series={[
                  { key: "settled", label: "settled", tone: "good" },
                  { key: "reserved", label: "reserved", tone: "info" },
                ]}
              />
            )}
          </QueryView>
        </Card>
        {can(viewer, ["staff_finance", "staff_admin"]) && summary.data ? (
          <StaffActions scope={scope} viewer={viewer} billing={summary.data.billing} />
        ) : (
          <Card title="Rates">
            <QueryView query={summary} what="Loading rates">
              {(s) => (
                <p>
                  SMS {formatRinggit(s.rates.sms)} per segment · WhatsApp{" "}
                  {formatRinggit(s.rates.whatsapp)} · Email {formatRinggit(s.rates.email)}
                </p>
              )}
            </QueryView>
          </Card>
        )}
      </div>
      <Card
        title="Ledger"
        actions={
          <div className="filters">
            <FilterSelect
              value={kind}
              onChange={setKind}
              all="All kinds"
              options={kinds}
              testId="ledger-kind"
            />
            <input
              type="date"
              value={from}
              onChange={(e) => setFrom(e.target.value)}
              aria-label="from"
            />
            <input type="date" value={to} onChange={(e) => setTo(e.target.value)} aria-label="to" />
          </div>
        }
      >
        <QueryView query={ledger} what="Loading ledger">
          {(entries) => (
            <DataTable
              testId="ledger-table"
              rows={entries}
              rowKey={(entry) => String(entry.id)}
              empty="No ledger entries match."
              columns={ledgerColumns}
            />
          )}
        </QueryView>
      </Card>
    </div>
  );
}

function StaffActions(props: { scope: { clientId?: string }; viewer: Viewer; billing: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [amount, setAmount] = useState("");
  const [reason, setReason] = useState("");
  const [cap, setCap] = useState("");
  const [smsRate, setSmsRate] = useState("");
  const refresh = () => queryClient.invalidateQueries();
  const topUp = useMutation(trpc.finance.topUp.mutationOptions({ onSuccess: refresh }));
  const adjust = useMutation(trpc.finance.adjust.mutationOptions({ onSuccess: refresh }));
  const setCapMutation = useMutation(trpc.finance.setCap.mutationOptions({ onSuccess: refresh }));
  const setRates = useMutation(trpc.finance.setRates.mutationOptions({ onSuccess: refresh }));
  const sen = senFrom(amount);
  const finance = props.viewer.role === "staff_finance";

  return (
    <Card title="Staff actions">
      {finance ? (
        <>
          <div className="form-row">
            <Field label="Amount (RM)">
              <input
                value={amount}
                onChange={(e) => setAmount(e.target.value)}
                placeholder="100.00"
                data-testid="amount"
              />
            </Field>
            <Field label="Reason">
              <input
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                data-testid="reason"
              />
            </Field>
          </div>
          <div className="button-row">
            <Button
              kind="primary"
              disabled={props.billing !== "prepaid" || !sen || sen <= 0}
              onClick={() =>
                topUp.mutate({ ...props.scope, amount: sen ?? 0, reason: reason || undefined })
              }
              testId="top-up"
            >
              Top up
            </Button>
            <Button
              disabled={props.billing !== "prepaid" || !sen || !reason}
              onClick={() => adjust.mutate({ ...props.scope, amount: sen ?? 0, reason })}
            >
              Adjust
            </Button>
          </div>
          {topUp.data ? (
            <Notice tone="good">Balance is now {formatRinggit(topUp.data.balance)}.</Notice>
          ) : null}
          <ErrorNote error={topUp.error ?? adjust.error} />
          {props.billing === "postpaid" ? (
            <InputWithAction
              label="Spending cap (RM)"
              value={cap}
              onChange={setCap}
              action="Set cap"
              disabled={senFrom(cap) === null}
              onAction={() => setCapMutation.mutate({ ...props.scope, cap: senFrom(cap) ?? 0 })}
            />
          ) : null}
          <ErrorNote error={setCapMutation.error} />
        </>
      ) : (
        <>
          <InputWithAction
            label="SMS rate (sen per segment)"
            value={smsRate}
            onChange={setSmsRate}
            action="Set rate"
            disabled={!/^\d+$/.test(smsRate)}
            onAction={() => setRates.mutate({ ...props.scope, sms: Number(smsRate) })}
          />
          <ErrorNote error={setRates.error} />
          {setRates.data ? <Notice tone="good">Rates updated.</Notice> : null}
        </>
      )}
    </Card>
  );
}

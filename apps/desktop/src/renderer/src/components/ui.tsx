import { formatRinggit } from "@teekrr/shared";
import type { ReactNode } from "react";

export function Money({ sen }: { sen: number | null | undefined }) {
  return (
    <span className="money">{sen === null || sen === undefined ? "—" : formatRinggit(sen)}</span>
  );
}

export function Button(props: {
  children: ReactNode;
  onClick?: () => void;
  kind?: "primary" | "secondary" | "danger" | "ghost";
  disabled?: boolean;
  type?: "button" | "submit";
  testId?: string;
}) {
  return (
    <button
      type={props.type ?? "button"}
      className={`button button-${props.kind ?? "secondary"}`}
      onClick={props.onClick}
      disabled={props.disabled}
      data-testid={props.testId}
    >
      {props.children}
    </button>
  );
}

export function Card(props: { title?: ReactNode; actions?: ReactNode; children: ReactNode }) {
  return (
    <section className="card">
      {props.title || props.actions ? (
        <header className="card-header">
          <h2>{props.title}</h2>
          <div className="card-actions">{props.actions}</div>
        </header>
      ) : null}
      <div className="card-body">{props.children}</div>
    </section>
  );
}

export function Stat(props: {
  label: string;
  value: ReactNode;
  hint?: ReactNode;
  testId?: string;
}) {
  return (
    <div className="stat" data-testid={props.testId}>
      <div className="stat-label">{props.label}</div>
      <div className="stat-value">{props.value}</div>
      {props.hint ? <div className="stat-hint">{props.hint}</div> : null}
    </div>
  );
}

const toneOf: Record<string, string> = {
  delivered: "good",
  read: "good",
  approved: "good",
  active: "good",
  completed: "good",
  send: "info",
  sent: "info",
  sending: "info",
  queued: "info",
  enqueued: "info",
  pending: "wait",
  scheduled: "wait",
  failed: "bad",
  bounced: "bad",
  rejected: "bad",
  revoked: "bad",
  expired: "mute",
  cancelled: "mute",
};

export function Badge({ value }: { value: string }) {
  return <span className={`badge badge-${toneOf[value] ?? "mute"}`}>{value}</span>;
}

export function Field(props: { label: string; children: ReactNode; hint?: ReactNode }) {
  return (
    // biome-ignore lint/a11y/noLabelWithoutControl: the control arrives as a child
    <label className="field">
      <span className="field-label">{props.label}</span>
      {props.children}
      {props.hint ? <span className="field-hint">{props.hint}</span> : null}
    </label>
  );
}

export function Loading({ what = "Loading" }: { what?: string }) {
  return (
    <div className="state state-loading" role="status">
      <span className="spinner" /> {what}…
    </div>
  );
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>;
}

export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div className="state state-error" role="alert">
      {message}
    </div>
  );
}

export function Notice({ children, tone = "info" }: { children: ReactNode; tone?: string }) {
  return <div className={`notice notice-${tone}`}>{children}</div>;
}

export function time(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString("en-MY", { dateStyle: "medium", timeStyle: "short" });
}

export function preciseTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  return new Date(iso).toLocaleString("en-MY", { dateStyle: "medium", timeStyle: "medium" });
}

/**
 * Shows a query's loading and error states, and its content once there is data, so no
 * screen forgets one of them.
 */
export function QueryView<T>(props: {
  query: { data: T | undefined; error: unknown; isPending: boolean };
  children: (data: T) => ReactNode;
  what?: string;
}) {
  if (props.query.error) return <ErrorNote error={props.query.error} />;
  if (props.query.isPending || props.query.data === undefined) return <Loading what={props.what} />;
  return <>{props.children(props.query.data)}</>;
}

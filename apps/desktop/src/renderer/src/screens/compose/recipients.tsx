import { type ChangeEvent, useMemo, useState } from "react";
import { Card, Field } from "../../components/ui.tsx";
import { mapColumns, parseCsv } from "../../lib/csv.ts";

export type AddressField = "phone" | "email";

/** Pasted or imported recipients: the raw text, its header and the column holding addresses. */
export function useRecipientSource() {
  const [text, setText] = useState("");
  const [hasHeader, setHasHeader] = useState(false);
  const [addressColumn, setAddressColumn] = useState(0);
  return { text, setText, hasHeader, setHasHeader, addressColumn, setAddressColumn };
}
export type RecipientSource = ReturnType<typeof useRecipientSource>;

/** Recipient rows with the chosen column as the address and every other column a value. */
export function useRecipientRows(source: RecipientSource, addressField: AddressField) {
  const { text, hasHeader, addressColumn } = source;
  return useMemo(() => {
    const rows = parseCsv(text);
    const width = Math.max(1, ...rows.map((row) => row.length));
    const header = hasHeader
      ? (rows[0] ?? [])
      : Array.from({ length: width }, (_, index) =>
          index === 0 ? addressField : `column${index + 1}`,
        );
    const data = hasHeader ? rows.slice(1) : rows;
    const column = Math.min(addressColumn, width - 1);
    return {
      header,
      addressColumn: column,
      rows: mapColumns(header, data, column, addressField),
    };
  }, [text, hasHeader, addressColumn, addressField]);
}

export function RecipientsCard(props: {
  source: RecipientSource;
  header: string[];
  addressField: AddressField;
  children?: React.ReactNode;
}) {
  const { source } = props;
  const importFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (!file) return;
    source.setText(await file.text());
    source.setHasHeader(true);
    source.setAddressColumn(0);
  };
  const label = props.addressField === "email" ? "Email column" : "Phone column";
  return (
    <Card
      title="Recipients"
      actions={
        <label className="button button-secondary file-button">
          Import CSV
          <input type="file" accept=".csv,text/csv" onChange={importFile} data-testid="csv-file" />
        </label>
      }
    >
      <Field
        label={
          props.addressField === "email"
            ? "Addresses, one per line, or CSV rows"
            : "Numbers, one per line, or CSV rows"
        }
      >
        <textarea
          rows={6}
          value={source.text}
          onChange={(e) => source.setText(e.target.value)}
          data-testid="recipients"
        />
      </Field>
      <div className="form-row">
        <label className="check">
          <input
            type="checkbox"
            checked={source.hasHeader}
            onChange={(e) => source.setHasHeader(e.target.checked)}
          />
          First row is a header
        </label>
        <Field label={label}>
          <select
            value={source.addressColumn}
            onChange={(e) => source.setAddressColumn(Number(e.target.value))}
            data-testid="address-column"
          >
            {props.header.map((name, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: a column is its position
              <option key={`${name}-${index}`} value={index}>
                {name || `column ${index + 1}`}
              </option>
            ))}
          </select>
        </Field>
      </div>
      {props.children}
    </Card>
  );
}

/** The row check as `POST /broadcasts/validate` answers it; rows count from 0 there. */
export interface RecipientValidation {
  summary: { total: number; valid: number; invalid: number };
  invalid: { row: number; value: string; code: string; message: string }[];
}

/**
 * Invalid and repeated rows by their position in the list as the person sees it, counting
 * from 1 after any header row.
 */
export function RecipientReport(props: {
  validation: RecipientValidation | undefined;
  suppressed?: { row: number; value: string }[] | undefined;
}) {
  const report = props.validation;
  if (!report) return null;
  const duplicates = report.invalid.filter((problem) => problem.code === "duplicate");
  const invalid = report.invalid.filter((problem) => problem.code !== "duplicate");
  const suppressed = props.suppressed ?? [];
  const problems = [
    ...invalid,
    // The API names the earlier row counting from 0; the console counts rows from 1.
    ...duplicates.map((entry) => ({ ...entry, message: "Repeats an earlier row; sent once" })),
    ...suppressed.map((entry) => ({
      ...entry,
      code: "suppressed",
      message: "On the suppression list; skipped and not charged",
    })),
  ].sort((a, b) => a.row - b.row);
  return (
    <div className="recipient-report" data-testid="recipient-report">
      <div>
        {report.summary.total} rows · <strong>{report.summary.valid} valid</strong> ·{" "}
        {invalid.length} invalid · {duplicates.length} duplicate
        {props.suppressed ? ` · ${suppressed.length} suppressed` : ""}
      </div>
      {problems.length > 0 ? (
        <ul className="problems">
          {problems.slice(0, 20).map((problem) => (
            <li key={`${problem.row}-${problem.code}`}>
              Row {problem.row + 1}: <span className="mono">{problem.value || "(empty)"}</span> —{" "}
              {problem.message}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}

import type { ReactNode } from "react";
import { Empty } from "./ui.tsx";

export interface Column<Row> {
  /** Left out on every column, the table has no header row (a compact list). */
  header?: ReactNode;
  cell: (row: Row, index: number) => ReactNode;
  className?: string | ((row: Row) => string | undefined);
}

function classOf<Row>(column: Column<Row>, row: Row): string | undefined {
  return typeof column.className === "function" ? column.className(row) : column.className;
}

/**
 * Rows under their column headings, or the empty note when there are none, so each screen
 * only says which columns it shows.
 */
export function DataTable<Row>(props: {
  columns: Column<Row>[];
  rows: Row[];
  rowKey: (row: Row, index: number) => string;
  empty: ReactNode;
  testId?: string;
  className?: string;
  rowTestId?: (row: Row) => string;
  onRowClick?: (row: Row) => void;
}) {
  const { columns, rows, onRowClick } = props;
  if (rows.length === 0) return <Empty>{props.empty}</Empty>;
  const headed = columns.some((column) => column.header !== undefined);
  return (
    <table className={props.className ?? "table"} data-testid={props.testId}>
      {headed ? (
        <thead>
          <tr>
            {columns.map((column, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns never reorder
              <th key={index}>{column.header}</th>
            ))}
          </tr>
        </thead>
      ) : null}
      <tbody>
        {rows.map((row, rowIndex) => (
          <tr
            key={props.rowKey(row, rowIndex)}
            className={onRowClick ? "clickable" : undefined}
            onClick={onRowClick ? () => onRowClick(row) : undefined}
            data-testid={props.rowTestId?.(row)}
          >
            {columns.map((column, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns never reorder
              <td key={index} className={classOf(column, row)}>
                {column.cell(row, rowIndex)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

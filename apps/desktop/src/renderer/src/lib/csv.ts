/** Parses CSV text (RFC 4180 quoting, any line ending) into rows of cells. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = "";
  let quoted = false;
  for (let index = 0; index < text.length; index += 1) {
    const char = text[index] as string;
    if (quoted) {
      if (char === '"' && text[index + 1] === '"') {
        cell += '"';
        index += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        cell += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ",") {
      row.push(cell);
      cell = "";
    } else if (char === "\n" || char === "\r") {
      if (char === "\r" && text[index + 1] === "\n") index += 1;
      row.push(cell);
      rows.push(row);
      row = [];
      cell = "";
    } else {
      cell += char;
    }
  }
  if (cell !== "" || row.length > 0) {
    row.push(cell);
    rows.push(row);
  }
  return rows.filter((cells) => cells.some((value) => value.trim() !== ""));
}

/** A CSV header as a placeholder name: `{first name}` cannot be written, `{first_name}` can. */
export function columnKey(name: string): string {
  return name.trim().replace(/[^A-Za-z0-9_]/g, "_");
}

/**
 * Turns CSV rows into recipient rows: the chosen column becomes the address field (`phone`
 * or `email`), every other column a value named after its header.
 */
export function mapColumns(
  header: string[],
  rows: string[][],
  addressColumn: number,
  addressField: "phone" | "email" = "phone",
): Record<string, string>[] {
  return rows.map((cells) => {
    const row: Record<string, string> = { [addressField]: cells[addressColumn]?.trim() ?? "" };
    header.forEach((name, index) => {
      const key = columnKey(name);
      if (index !== addressColumn && key) row[key] = cells[index] ?? "";
    });
    return row;
  });
}

export function downloadText(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/csv" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = filename;
  link.click();
  URL.revokeObjectURL(url);
}

/** Fetches an export a query holds back until asked, and saves it as the file it names. */
export async function downloadExport(query: {
  refetch: () => Promise<{ data?: { filename: string; csv: string } | undefined }>;
}): Promise<void> {
  const result = await query.refetch();
  if (result.data) downloadText(result.data.filename, result.data.csv);
}

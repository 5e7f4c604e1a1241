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

/** Turns CSV rows into recipient rows: the chosen column becomes `phone`, the rest variables. */
export function mapColumns(
  header: string[],
  rows: string[][],
  phoneColumn: number,
): Record<string, string>[] {
  return rows.map((cells) => {
    const row: Record<string, string> = { phone: cells[phoneColumn]?.trim() ?? "" };
    header.forEach((name, index) => {
      const key = name.trim().replace(/[^A-Za-z0-9_]/g, "_");
      if (index !== phoneColumn && key) row[key] = cells[index] ?? "";
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

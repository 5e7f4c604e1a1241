import { AppError } from "@teekrr/shared";

/** Opaque page cursors: base64url JSON, so their shape can change without breaking clients. */
export function encodeCursor(position: Record<string, string | number>): string {
  return Buffer.from(JSON.stringify(position)).toString("base64url");
}

export function decodeCursor<Key extends string>(cursor: string, keys: Key[]): Record<Key, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, "base64url").toString("utf8"));
  } catch {
    parsed = null;
  }
  const record = parsed as Record<string, unknown> | null;
  if (!record || typeof record !== "object" || !keys.every((key) => key in record)) {
    throw new AppError("validation_failed", undefined, [
      { field: "cursor", message: "Invalid cursor" },
    ]);
  }
  return Object.fromEntries(keys.map((key) => [key, String(record[key])])) as Record<Key, string>;
}

const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A position in a list ordered by creation time, then id; anything malformed is a 400. */
export function decodeTimeCursor(cursor: string): { t: string; id: string } {
  const position = decodeCursor(cursor, ["t", "id"]);
  if (Number.isNaN(Date.parse(position.t)) || !uuidPattern.test(position.id)) {
    throw new AppError("validation_failed", undefined, [
      { field: "cursor", message: "Invalid cursor" },
    ]);
  }
  return position;
}

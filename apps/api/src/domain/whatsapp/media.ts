import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { randomBase62 } from "../secrets.ts";
import { queryOne } from "../sql.ts";

export type MediaType = "image/jpeg" | "image/png" | "image/webp" | "video/mp4" | "application/pdf";

function startsWith(bytes: Buffer, signature: number[], offset = 0): boolean {
  return signature.every((byte, index) => bytes[offset + index] === byte);
}

const ascii = (text: string) => [...Buffer.from(text, "latin1")];

/**
 * The file's type from its first bytes, never from its name or declared type, so a script
 * renamed to `.png` is refused rather than served from our domain.
 */
export function detectMediaType(bytes: Buffer): MediaType | null {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return "image/jpeg";
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return "image/png";
  if (startsWith(bytes, ascii("RIFF")) && startsWith(bytes, ascii("WEBP"), 8)) return "image/webp";
  if (startsWith(bytes, ascii("ftyp"), 4)) return "video/mp4";
  if (startsWith(bytes, ascii("%PDF-"))) return "application/pdf";
  return null;
}

/**
 * Keeps an upload in Postgres under an unguessable id and returns that id.
 * Limitation: uploads are kept for ever; nothing removes media no template uses any more.
 */
export async function storeMedia(
  db: Executor,
  clientId: string,
  bytes: Buffer,
  contentType: MediaType,
): Promise<string> {
  const id = randomBase62(24);
  await db.execute(sql`
    INSERT INTO media_files (client_id, id, content_type, size_bytes, data)
    VALUES (${clientId}, ${id}, ${contentType}, ${bytes.length}, ${bytes})`);
  return id;
}

export async function loadMedia(
  db: Executor,
  id: string,
): Promise<{ contentType: string; data: Buffer } | null> {
  if (!/^[0-9A-Za-z]{20,64}$/.test(id)) return null;
  const row = await queryOne<{ content_type: string; data: Buffer | Uint8Array }>(
    db,
    sql`SELECT content_type, data FROM media_files WHERE id = ${id}`,
  );
  if (!row) return null;
  return { contentType: row.content_type, data: Buffer.from(row.data) };
}

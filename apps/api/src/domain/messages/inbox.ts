import type { Executor } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { queryOne } from "../sql.ts";

export type CallbackProvider = "elfo" | "meta" | "ses";

/** Stores a verified callback as received; it is applied later by the report worker. */
export async function storeCallback(
  db: Executor,
  provider: CallbackProvider,
  payload: unknown,
): Promise<string> {
  const row = await queryOne<{ id: string }>(
    db,
    sql`INSERT INTO inbound_callbacks (provider, payload)
      VALUES (${provider}, ${JSON.stringify(payload)}::jsonb) RETURNING id`,
  );
  if (!row) throw new Error("callback insert returned nothing");
  return row.id;
}

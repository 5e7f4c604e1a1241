import { connectDatabase, type DatabaseHandle } from "@teekrr/db";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createInboxWriter } from "../src/domain/messages/inbox.ts";
import { createTestDatabase } from "./harness.ts";

let database: DatabaseHandle;

beforeAll(async () => {
  database = connectDatabase(await createTestDatabase(), { max: 4 });
});
afterAll(async () => {
  await database.close();
});

async function storedIds(): Promise<string[]> {
  const rows = await database.sql`
    SELECT payload->>'sms_id' AS id FROM inbound_callbacks WHERE provider = 'elfo'`;
  return rows.map((row) => row.id as string);
}

describe("the inbox writer", () => {
  it("stores a whole burst and settles each caller once its row is committed", async () => {
    const store = createInboxWriter(database.db);
    const ids = Array.from({ length: 300 }, (_, index) => `burst-${index}`);

    await Promise.all(
      ids.map(async (id) => {
        await store("elfo", { sms_id: id, status: "DELIVERED" });
        const [row] = await database.sql`
          SELECT 1 FROM inbound_callbacks WHERE payload->>'sms_id' = ${id}`;
        expect(row).toBeDefined();
      }),
    );

    expect((await storedIds()).filter((id) => id.startsWith("burst-")).sort()).toEqual(
      [...ids].sort(),
    );
  });

  it("stores a notification id once, whoever writes the copies and whenever", async () => {
    const first = createInboxWriter(database.db);
    const second = createInboxWriter(database.db);
    const copy = (store: typeof first, id: string) =>
      store("elfo", { sms_id: id, status: "DELIVERED" }, `notification-${id}`);

    const results = await Promise.allSettled([
      ...["once-a", "once-a", "once-b"].map((id) => copy(first, id)),
      ...["once-a", "once-b", "once-b"].map((id) => copy(second, id)),
      first("elfo", { sms_id: "once-plain", status: "DELIVERED" }),
    ]);
    await copy(first, "once-a");

    expect(results.every((result) => result.status === "fulfilled")).toBe(true);
    expect((await storedIds()).filter((id) => id.startsWith("once-")).sort()).toEqual([
      "once-a",
      "once-b",
      "once-plain",
    ]);
  });

  it("refuses only the callback Postgres cannot store, not the others in its batch", async () => {
    const store = createInboxWriter(database.db);
    const good = Array.from({ length: 20 }, (_, index) => `mixed-${index}`);

    const results = await Promise.allSettled([
      ...good.map((id) => store("elfo", { sms_id: id, status: "DELIVERED" })),
      // jsonb has no place for a NUL character, so this row is refused.
      store("elfo", { sms_id: "poisoned", status: "DELIVERED\u0000" }),
      ...good.map((id) => store("elfo", { sms_id: `${id}-late`, status: "DELIVERED" })),
    ]);

    expect(results.filter((result) => result.status === "rejected")).toHaveLength(1);
    expect(results[good.length]?.status).toBe("rejected");
    const stored = await storedIds();
    expect(stored).not.toContain("poisoned");
    expect(stored.filter((id) => id.startsWith("mixed-"))).toHaveLength(good.length * 2);
  });
});

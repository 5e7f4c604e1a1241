import { connectDatabase, type DatabaseHandle } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createPacer } from "../src/domain/whatsapp/pacing.ts";
import { createTestDatabase } from "./harness.ts";

let database: DatabaseHandle;

beforeAll(async () => {
  database = connectDatabase(await createTestDatabase(), { max: 4 });
});
afterAll(async () => {
  await database.close();
});

describe("per-number pacing", () => {
  it("never lets two processes together exceed the per-second limit of one number", async () => {
    // Two pacers stand for two worker processes sharing one database.
    const first = createPacer(database.db, 5);
    const second = createPacer(database.db, 5);

    await Promise.all(
      Array.from({ length: 12 }, (_, index) => (index % 2 ? first : second).take("1111111111")),
    );
    await Promise.all([first.take("2222222222"), second.take("2222222222")]);

    const rows = (await database.db.execute(sql`SELECT phone_number_id, second, count
      FROM whatsapp_send_pacing ORDER BY second`)) as unknown as {
      phone_number_id: string;
      count: number;
    }[];
    const busy = rows.filter((row) => row.phone_number_id === "1111111111");
    expect(Math.max(...busy.map((row) => row.count))).toBeLessThanOrEqual(5);
    expect(busy.length).toBeGreaterThanOrEqual(3);
    // Another number has its own allowance.
    expect(rows.some((row) => row.phone_number_id === "2222222222")).toBe(true);
  });
});

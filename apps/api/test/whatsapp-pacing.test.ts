import { connectDatabase, type DatabaseHandle } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSendPacer } from "../src/domain/send-pacing.ts";
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
    const first = createSendPacer(database.db, 5);
    const second = createSendPacer(database.db, 5);

    await Promise.all(
      Array.from({ length: 12 }, (_, index) =>
        (index % 2 ? first : second).take("whatsapp:1111111111"),
      ),
    );
    await Promise.all([first.take("whatsapp:2222222222"), second.take("whatsapp:2222222222")]);

    const rows = (await database.db.execute(sql`SELECT account, window_start, used
      FROM send_pacing_windows ORDER BY window_start`)) as unknown as {
      account: string;
      used: number;
    }[];
    const busy = rows.filter((row) => row.account === "whatsapp:1111111111");
    expect(Math.max(...busy.map((row) => row.used))).toBeLessThanOrEqual(5);
    expect(busy.length).toBeGreaterThanOrEqual(3);
    // Another number has its own allowance.
    expect(rows.some((row) => row.account === "whatsapp:2222222222")).toBe(true);
  });
});

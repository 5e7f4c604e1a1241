import type { Database } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createSendPacer, permitsPerClaim } from "../src/domain/send-pacing.ts";
import {
  api,
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
  waitFor,
} from "./harness.ts";

let platform: TestPlatform;
let client: TestClient;

beforeAll(async () => {
  platform = await startTestPlatform({ ELFO_MESSAGES_PER_SECOND: "2" });
  client = await createTestClient(platform.db, { credit: 10_000 });
});
afterAll(async () => {
  await platform.close();
});

async function windowsOf(pacingKey: string): Promise<number[]> {
  const rows = (await platform.db.execute(sql`SELECT used FROM send_pacing_windows
    WHERE account = ${pacingKey} ORDER BY window_start`)) as unknown as { used: number }[];
  return rows.map((row) => Number(row.used));
}

/** The real database, with a count of the statements sent through it. */
function countingDatabase(db: Database): { db: Database; statements: () => number } {
  let statements = 0;
  const counted = new Proxy(db, {
    get(target, property, receiver) {
      if (property !== "execute") return Reflect.get(target, property, receiver);
      return (...args: Parameters<Database["execute"]>) => {
        statements += 1;
        return target.execute(...args);
      };
    },
  });
  return { db: counted, statements: () => statements };
}

describe("the send pacer", () => {
  it("claims permits in batches: one statement serves many sends", async () => {
    const counting = countingDatabase(platform.db);
    const pacer = createSendPacer(counting.db, 1000);

    for (let sent = 0; sent < 100; sent++) await pacer.take("test:batches");

    // 100 sends at 50 per claim: two claims, three if a second ended between them.
    expect(permitsPerClaim(1000)).toBe(50);
    expect(counting.statements()).toBeLessThanOrEqual(4);
    const used = await windowsOf("test:batches");
    expect(used.reduce((sum, value) => sum + value, 0)).toBeGreaterThanOrEqual(100);
  });

  it("keeps separate allowances per pacing key", async () => {
    const pacer = createSendPacer(platform.db, 3);

    await Promise.all([
      ...Array.from({ length: 3 }, () => pacer.take("test:first")),
      ...Array.from({ length: 3 }, () => pacer.take("test:second")),
    ]);

    expect(Math.max(...(await windowsOf("test:first")))).toBeLessThanOrEqual(3);
    expect(await windowsOf("test:second")).not.toEqual([]);
  });
});

describe("SMS pacing", () => {
  it("sends no more than ELFO_MESSAGES_PER_SECOND through the gateway in any second", async () => {
    const recipients = ["0123450001", "0123450002", "0123450003", "0123450004", "0123450005"];

    const response = await api(platform.url, "POST", "/sms", {
      key: client.key,
      body: { campaignName: "Paced", type: "quick broadcast", templateContent: "Hi", recipients },
    });
    expect(response.status).toBe(202);
    const id = response.body.data.broadcastUuid as string;
    await waitFor(async () => {
      const status = await api(platform.url, "GET", `/broadcasts/${id}`, { key: client.key });
      return (status.body.data.counts.pending ?? 0) + (status.body.data.counts.enqueued ?? 0) === 0
        ? status.body.data
        : null;
    });

    const used = await windowsOf("elfo:live");
    expect(used.reduce((sum, value) => sum + value, 0)).toBeGreaterThanOrEqual(5);
    expect(Math.max(...used)).toBeLessThanOrEqual(2);
    expect(used.length).toBeGreaterThanOrEqual(3);
  });
});

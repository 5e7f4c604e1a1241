import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { topUpCredit } from "../src/domain/ledger.ts";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import {
  api,
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
} from "./harness.ts";
import { clientCredit, countClientRows, smsBody, waitForClientIdle } from "./sms-helpers.ts";

let platform: TestPlatform;

beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(async () => {
  await platform.close();
});

/** One recipient at the default rate of 5 sen per segment. */
const price = 5;

function fireConcurrently(client: TestClient, count: number) {
  return Promise.all(
    Array.from({ length: count }, (_, i) =>
      api(platform.url, "POST", "/sms", {
        key: client.key,
        body: smsBody({ recipients: [`0123${String(i).padStart(6, "0")}`] }),
      }),
    ),
  );
}

function statusCounts(responses: { status: number }[]): Record<number, number> {
  const counts: Record<number, number> = {};
  for (const { status } of responses) counts[status] = (counts[status] ?? 0) + 1;
  return counts;
}

describe("prepaid credit under concurrency", () => {
  it("accepts exactly the broadcasts the balance covers and leaves it at zero", async () => {
    const covered = 70;
    const client = await createTestClient(platform.db, { credit: covered * price });

    const responses = await fireConcurrently(client, 200);

    expect(statusCounts(responses)).toEqual({ 202: covered, 402: 200 - covered });
    const refusal = responses.find((response) => response.status === 402);
    expect(refusal?.body.message).toMatch(
      /^Insufficient credit\. Required: RM0\.05, available: RM0\.0\d$/,
    );
    expect((await countClientRows(platform.db, client.clientId)).broadcasts).toBe(covered);
    expect(await verifyLedger(platform.db, client.clientId)).toEqual([]);
    await waitForClientIdle(platform.db, client.clientId, 60_000);
    expect(await clientCredit(platform.db, client.clientId)).toEqual({
      balance: 0,
      reserved: 0,
      accrued: 0,
    });
    expect(await verifyLedger(platform.db, client.clientId)).toEqual([]);
  });

  it("leaves the right remainder when the balance is not a multiple of the price", async () => {
    const client = await createTestClient(platform.db, { credit: 30 * price + 3 });

    const responses = await fireConcurrently(client, 60);

    expect(statusCounts(responses)).toEqual({ 202: 30, 402: 30 });
    await waitForClientIdle(platform.db, client.clientId, 60_000);
    expect(await clientCredit(platform.db, client.clientId)).toMatchObject({
      balance: 3,
      reserved: 0,
    });
    expect(await verifyLedger(platform.db, client.clientId)).toEqual([]);
  });
});

describe("a postpaid cap under concurrency", () => {
  it("is never exceeded", async () => {
    const allowed = 60;
    const cap = allowed * price;
    const client = await createTestClient(platform.db, { billing: "postpaid", spendingCap: cap });

    const responses = await fireConcurrently(client, 200);

    expect(statusCounts(responses)).toEqual({ 202: allowed, 402: 200 - allowed });
    const refusal = responses.find((response) => response.status === 402);
    expect(refusal?.body.message).toBe(
      "Spending cap exceeded. Accrued: RM3.00, this broadcast: RM0.05, cap: RM3.00",
    );
    const during = await clientCredit(platform.db, client.clientId);
    expect(during.accrued + during.reserved).toBeLessThanOrEqual(cap);
    await waitForClientIdle(platform.db, client.clientId, 60_000);
    expect(await clientCredit(platform.db, client.clientId)).toEqual({
      balance: 0,
      reserved: 0,
      accrued: cap,
    });
    expect(await verifyLedger(platform.db, client.clientId)).toEqual([]);
  });
});

describe("the ledger", () => {
  it("refuses updates and deletes of its entries", async () => {
    const client = await createTestClient(platform.db, { credit: 0 });
    await topUpCredit(platform.db, client.clientId, 500, "test");

    const raw = platform.runtime.platform.database.sql;

    const update = raw`UPDATE ledger_entries SET amount = 1 WHERE client_id = ${client.clientId}`;
    const remove = raw`DELETE FROM ledger_entries WHERE client_id = ${client.clientId}`;

    await expect(update).rejects.toThrow(/append-only/);
    await expect(remove).rejects.toThrow(/append-only/);
    const rows = (await platform.db.execute(
      sql`SELECT amount FROM ledger_entries WHERE client_id = ${client.clientId}`,
    )) as unknown as { amount: string }[];
    expect(rows.map((row) => Number(row.amount))).toEqual([500]);
  });

  it("finds a balance that no longer matches its entries", async () => {
    const client = await createTestClient(platform.db, { credit: 100 });
    await platform.db.execute(
      sql`UPDATE clients SET credit_balance = credit_balance + 1 WHERE id = ${client.clientId}`,
    );

    expect(await verifyLedger(platform.db, client.clientId)).toEqual([
      { clientId: client.clientId, field: "credit_balance", stored: "101", computed: "100" },
    ]);
  });
});

import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
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
  platform = await startTestPlatform();
  client = await createTestClient(platform.db, { credit: 10_000 });
});
afterAll(async () => {
  await platform.close();
});

async function broadcastWhenDone(id: string) {
  return await waitFor(
    async () => {
      const response = await api(platform.url, "GET", `/broadcasts/${id}`, { key: client.key });
      return response.body.data.status === "completed" &&
        (response.body.data.counts.send ?? 0) === 0
        ? response.body.data
        : null;
    },
    30_000,
    "broadcast to finish",
  ).catch(async (error) => {
    const response = await api(platform.url, "GET", `/broadcasts/${id}`, { key: client.key });
    console.error(JSON.stringify(response.body));
    throw error;
  });
}

describe("an SMS broadcast end to end", () => {
  it("sends, settles the delivered, releases the refused, and records each step", async () => {
    const response = await api(platform.url, "POST", "/sms", {
      key: client.key,
      body: {
        campaignName: "Launch",
        type: "quick broadcast",
        templateContent: "Hello from Teekrr",
        recipients: ["012-345 6789", "60123456789", "+60129999991", "013-999 9990", "0129999992"],
      },
    });

    expect(response.status).toBe(202);
    expect(response.body.data).toMatchObject({ queued: 4, duplicates: 1, reserved: 20 });

    const done = await broadcastWhenDone(response.body.data.broadcastUuid);
    expect(done.counts).toEqual({ delivered: 2, failed: 2 });
    expect(done).toMatchObject({ reserved: 20, settled: 15, released: 5 });
    expect(await verifyLedger(platform.db)).toEqual([]);
  });
});

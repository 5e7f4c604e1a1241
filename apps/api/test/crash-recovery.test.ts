import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyLedger } from "../src/domain/ledger-verify.ts";
import { startWorkers } from "../src/jobs/workers.ts";
import { type ElfoSimulator, startElfoSimulator } from "../src/simulators/elfo-simulator.ts";
import { api, createTestClient, startTestPlatform, type TestPlatform, waitFor } from "./harness.ts";
import { messagesOf, smsBody } from "./sms-helpers.ts";

const elfoKey = "crash-test-elfo-account-key";
const jobSettings = {
  JOB_EXPIRE_SECONDS: "5",
  JOB_SUPERVISE_INTERVAL_SECONDS: "1",
  JOB_RETRY_DELAY_SECONDS: "1",
};
const recipientCount = 400;
const rate = 5;

let platform: TestPlatform;
let elfo: ElfoSimulator;
const workers: ChildProcess[] = [];

beforeAll(async () => {
  elfo = await startElfoSimulator({ apiKey: elfoKey, latencyMs: 40, reportDelayMs: 20 });
  // The API alone in this process at first; the first worker runs in a child process that
  // can be killed.
  platform = await startTestPlatform({
    ROLE: "api",
    ELFO_BASE_URL: elfo.url,
    ELFO_API_KEY: elfoKey,
    SEND_CHUNK_SIZE: "50",
    ...jobSettings,
  });
  elfo.setCallbackUrl(`${platform.url}/callbacks/elfo`);
});
afterAll(async () => {
  for (const worker of workers) {
    if (worker.exitCode === null && worker.signalCode === null) worker.kill("SIGKILL");
  }
  await elfo.close();
  await platform.close();
});

/** Starts `node apps/api/src/main.ts` as a worker sending to the simulator. */
function startWorkerProcess(): ChildProcess {
  const worker = spawn(
    process.execPath,
    ["--experimental-strip-types", resolve(import.meta.dirname, "../src/main.ts")],
    {
      env: {
        PATH: process.env.PATH,
        NODE_ENV: "test",
        ROLE: "worker",
        PORT: "0",
        LOG_LEVEL: "silent",
        DATABASE_URL: platform.databaseUrl,
        DATABASE_POOL_SIZE: "5",
        ELFO_BASE_URL: elfo.url,
        ELFO_API_KEY: elfoKey,
        SIMULATORS: "false",
        DEMO_CLIENT: "false",
        SEND_CONCURRENCY: "2",
        SEND_JOBS_PER_WORKER: "1",
        ...jobSettings,
      },
      stdio: ["ignore", "ignore", "inherit"],
    },
  );
  workers.push(worker);
  return worker;
}

async function countWhere(condition: ReturnType<typeof sql>): Promise<number> {
  const rows = (await platform.db.execute(
    sql`SELECT count(*) AS count FROM messages WHERE ${condition}`,
  )) as unknown as { count: string }[];
  return Number(rows[0]?.count);
}

describe("a worker killed in the middle of a broadcast", () => {
  it("loses no message, sends none more than twice and charges none twice", async () => {
    const client = await createTestClient(platform.db, { credit: 100_000 });
    const recipients = Array.from(
      { length: recipientCount },
      (_, i) => `01234${String(i).padStart(5, "0")}`,
    );
    const response = await api(platform.url, "POST", "/sms", {
      key: client.key,
      body: smsBody({ recipients }),
    });
    expect(response.status).toBe(202);
    const broadcastId: string = response.body.data.broadcastUuid;

    const first = startWorkerProcess();
    // Polled tightly: the kill must land while chunks are in flight.
    while (elfo.acceptedCount() < 60) {
      if (first.exitCode !== null) throw new Error("the first worker exited on its own");
      await sleep(5);
    }
    first.kill("SIGKILL");
    await once(first, "exit");
    // Requests already inside the simulator finish there; let them land before counting.
    await sleep(300);
    const acceptedBeforeKill = elfo.acceptedCount();
    const recordedBeforeKill = await countWhere(
      sql`broadcast_id = ${broadcastId} AND provider_message_id IS NOT NULL`,
    );
    expect(acceptedBeforeKill).toBeGreaterThan(0);
    expect(acceptedBeforeKill).toBeLessThan(recipientCount);

    // This process takes over: its workers find the dead worker's chunks once they expire.
    await startWorkers(platform.runtime.platform);
    await waitFor(
      async () =>
        (await countWhere(
          sql`broadcast_id = ${broadcastId} AND status IN ('send', 'delivered')
            AND billing_state = 'settled'`,
        )) === recipientCount,
      60_000,
      "every message to be sent after the crash",
    );

    const messages = await messagesOf(platform.db, broadcastId);
    expect(messages).toHaveLength(recipientCount);
    const sendEvents = (await platform.db.execute(
      sql`SELECT count(*) AS count FROM message_events e JOIN messages m ON m.id = e.message_id
        WHERE m.broadcast_id = ${broadcastId} AND e.status = 'send'`,
    )) as unknown as { count: string }[];
    expect(Number(sendEvents[0]?.count)).toBe(recipientCount);

    const calls = messages.map((message) => elfo.callsByReference.get(message.id) ?? 0);
    expect(Math.min(...calls)).toBe(1);
    expect(Math.max(...calls)).toBeLessThanOrEqual(2);
    // Every message the gateway took but the dead worker had not yet recorded was asked for
    // again, and the gateway answered with the same id. (On a slow machine a healthy chunk
    // can outlive its expiry and be run twice too, so this is a lower bound.)
    expect(calls.filter((count) => count === 2).length).toBeGreaterThanOrEqual(
      acceptedBeforeKill - recordedBeforeKill,
    );
    expect(acceptedBeforeKill - recordedBeforeKill).toBeGreaterThan(0);
    expect(elfo.acceptedCount()).toBe(recipientCount);

    const broadcast = (await platform.db.execute(
      sql`SELECT reserved_sen, settled_sen, released_sen FROM broadcasts WHERE id = ${broadcastId}`,
    )) as unknown as Record<string, string>[];
    expect(broadcast[0]).toEqual({
      reserved_sen: String(recipientCount * rate),
      settled_sen: String(recipientCount * rate),
      released_sen: "0",
    });
    const settlements = (await platform.db.execute(
      sql`SELECT sum(amount) AS amount, sum(message_count) AS count FROM ledger_entries
        WHERE broadcast_id = ${broadcastId} AND kind = 'settlement'`,
    )) as unknown as { amount: string; count: string }[];
    expect(settlements[0]).toEqual({
      amount: String(recipientCount * rate),
      count: String(recipientCount),
    });
    expect(await verifyLedger(platform.db)).toEqual([]);
  });
});

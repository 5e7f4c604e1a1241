/**
 * `drain`: 100,000 committed messages until every one is accepted by the Elfo simulator,
 * against two same-run references: raw pg-boss insert/fetch/complete of the same jobs,
 * and a bare HTTP loop sending the same requests to the same simulator.
 */
import { PgBoss } from "pg-boss";
import { Agent, request } from "undici";
import { createProviders } from "../apps/api/src/channels/providers.ts";
import { startWorkers } from "../apps/api/src/jobs/workers.ts";
import { createLogger } from "../apps/api/src/logger.ts";
import { closePlatform, openPlatform } from "../apps/api/src/platform.ts";
import { startSimulators } from "../apps/api/src/simulators/start.ts";
import {
  benchConfig,
  benchDatabase,
  createBenchBroadcast,
  createBenchClient,
  report,
  timed,
} from "./lib.ts";

const size = Number(process.env.BENCH_SIZE ?? 100_000);
const database = await benchDatabase();
// Reports are off: the scenario ends when every message is accepted (`send`).
const config = benchConfig({ ROLE: "worker", SIMULATOR_REPORTS: "false" });
// As many requests in flight as one client's broadcast gets.
const inFlight =
  config.SEND_CONCURRENCY * Math.min(config.SEND_JOBS_PER_WORKER, config.SEND_JOBS_PER_CLIENT);

const simulators = await startSimulators(config);
const simulator = simulators.elfo;
const platform = await openPlatform(
  config,
  createLogger(config),
  database.url,
  createProviders(config, simulators),
);
const { db, sql } = platform.database;

const clientId = await createBenchClient(db);

/** Raw pg-boss: insert the same number of chunk jobs, then fetch and complete them all. */
async function bossReference(): Promise<void> {
  const boss = new PgBoss({ connectionString: database.url, schema: "bench_boss", max: 10 });
  await boss.start();
  await boss.createQueue("bench.send");
  const chunks = Math.ceil(size / config.SEND_CHUNK_SIZE);
  const jobs = Array.from({ length: chunks }, (_, index) => ({
    data: { fromSeq: index * config.SEND_CHUNK_SIZE },
  }));
  await boss.insert("bench.send", jobs);
  let done = 0;
  const lanes = Array.from({ length: config.SEND_JOBS_PER_WORKER }, async () => {
    for (;;) {
      const [job] = await boss.fetch("bench.send");
      if (!job) return;
      await boss.complete("bench.send", job.id);
      done++;
    }
  });
  await Promise.all(lanes);
  await boss.stop({ graceful: false });
  if (done !== chunks) throw new Error(`pg-boss reference completed ${done} of ${chunks}`);
}

/** A bare HTTP loop: the same requests, the same concurrency, nothing else. */
async function httpReference(): Promise<void> {
  const agent = new Agent({ connections: 64 });
  let next = 0;
  const lanes = Array.from({ length: inFlight }, async () => {
    while (next < size) {
      const index = next++;
      const response = await request(`${simulator.url}/v1/sms/send`, {
        method: "POST",
        dispatcher: agent,
        headers: {
          authorization: `Bearer ${config.SIMULATOR_SECRET}`,
          "content-type": "application/json",
        },
        body: JSON.stringify({
          shortcode: "68100",
          msisdn: `6012${String(index).padStart(8, "0")}`,
          message: "RM0.00 Jualan hebat hujung minggu ini di Kedai Ali.",
          reference: `reference-${index}`,
        }),
      });
      await response.body.json();
    }
  });
  await Promise.all(lanes);
  await agent.close();
}

async function drainBroadcast(): Promise<void> {
  await createBenchBroadcast(
    platform,
    clientId,
    size,
    "Jualan hebat hujung minggu ini di Kedai Ali.",
  );
  await timedDrain();
}

let drainMs = 0;
async function timedDrain(): Promise<void> {
  const { ms } = await timed(async () => {
    await startWorkers(platform);
    // Every accepted message settles its share, so the broadcast row says when all are
    // accepted: one row read per poll instead of a count over the messages being written.
    for (;;) {
      const [row] = await sql`SELECT settled_sen = reserved_sen AS done FROM broadcasts`;
      if (row?.done) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  });
  drainMs = ms;
}

const boss = await timed(bossReference);
const http = await timed(httpReference);
await drainBroadcast();
const slower = Math.max(boss.ms, http.ms);

await report("drain", [
  {
    scenario: "drain vs pg-boss",
    size,
    subjectMs: drainMs,
    referenceMs: boss.ms,
    ratio: boss.ms / drainMs,
  },
  {
    scenario: "drain vs HTTP loop",
    size,
    subjectMs: drainMs,
    referenceMs: http.ms,
    ratio: http.ms / drainMs,
  },
  {
    scenario: "drain vs slower reference",
    size,
    subjectMs: drainMs,
    referenceMs: slower,
    ratio: slower / drainMs,
    goal: 0.6,
  },
]);
await closePlatform(platform);
await simulators.close();
await database.stop();

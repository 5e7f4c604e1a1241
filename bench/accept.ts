/**
 * `accept`: POST /sms with 10,000 and 100,000 recipients until the broadcast is committed,
 * against a raw COPY of the same message rows into an identical table, in the same run.
 */

import { startRuntime } from "../apps/api/src/boot/runtime.ts";
import { createApiKey } from "../apps/api/src/domain/api-keys.ts";
import { createLogger } from "../apps/api/src/logger.ts";
import {
  type BenchRow,
  benchConfig,
  benchDatabase,
  createBenchClient,
  median,
  phoneNumbers,
  report,
  timed,
} from "./lib.ts";

const sizes = (process.env.BENCH_SIZES ?? "10000,100000").split(",").map(Number);
const rounds = Number(process.env.BENCH_ROUNDS ?? 3);

const database = await benchDatabase();
const config = benchConfig({ ROLE: "api", SIMULATORS: "false" });
const runtime = await startRuntime(config, createLogger(config), database.url);
const { db, sql } = runtime.platform.database;

const clientId = await createBenchClient(db);
const { key } = await createApiKey(db, {
  clientId,
  name: "bench",
  scopes: ["send_sms"],
});
await sql`CREATE TABLE copy_reference (LIKE messages INCLUDING ALL)`;

async function postBroadcast(recipients: string[]): Promise<void> {
  const response = await fetch(`${runtime.url}/sms`, {
    method: "POST",
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    body: JSON.stringify({
      campaignName: "bench",
      type: "quick broadcast",
      templateContent: "Jualan hebat hujung minggu ini di Kedai Ali. Balas STOP untuk berhenti.",
      recipients,
    }),
  });
  if (response.status !== 202)
    throw new Error(`POST /sms answered ${response.status}: ${await response.text()}`);
  await response.arrayBuffer();
}

/** The same rows our COPY writes, already normalised: the floor for storing a broadcast. */
async function copyReference(size: number, round: number): Promise<void> {
  const broadcastId = crypto.randomUUID();
  await sql.begin(async (tx) => {
    const stream = await tx`COPY copy_reference (client_id, broadcast_id, seq, channel, recipient,
      content, variables, segments, price, billing_state) FROM STDIN`.writable();
    const prefix = `${clientId}\t${broadcastId}\t`;
    let batch = "";
    for (let seq = 0; seq < size; seq++) {
      const phone = `+6012${String(round * size + seq).padStart(8, "0")}`;
      batch += `${prefix}${seq}\tsms\t${phone}\t\\N\t\\N\t1\t5\treserved\n`;
      if (seq % 2000 === 1999) {
        if (!stream.write(batch)) await new Promise((resolve) => stream.once("drain", resolve));
        batch = "";
      }
    }
    await new Promise<void>((resolve, reject) => {
      stream.once("error", reject);
      stream.end(batch, () => resolve());
    });
  });
}

const rows: BenchRow[] = [];
for (const size of sizes) {
  const subject: number[] = [];
  const reference: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const recipients = phoneNumbers(size, round * size);
    reference.push((await timed(() => copyReference(size, round))).ms);
    subject.push((await timed(() => postBroadcast(recipients))).ms);
  }
  const subjectMs = median(subject);
  const referenceMs = median(reference);
  rows.push({
    scenario: "accept",
    size,
    subjectMs,
    referenceMs,
    ratio: referenceMs / subjectMs,
    goal: 0.5,
  });
}

await report("accept", rows);
await runtime.close();
await database.stop();

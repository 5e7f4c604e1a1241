/** Runs every benchmark scenario in turn: `npm run bench [-- accept drain ...]`. */
import { spawnSync } from "node:child_process";

const all = ["accept", "drain", "ingest", "webhooks"];
const chosen = process.argv.slice(2).length > 0 ? process.argv.slice(2) : all;

for (const scenario of chosen) {
  if (!all.includes(scenario)) throw new Error(`unknown scenario: ${scenario}`);
  const result = spawnSync(
    process.execPath,
    ["--experimental-strip-types", `bench/${scenario}.ts`],
    { stdio: "inherit" },
  );
  if (result.status !== 0) process.exit(result.status ?? 1);
}

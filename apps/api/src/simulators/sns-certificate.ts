import { readFileSync } from "node:fs";

/**
 * The SNS simulator's test-only certificate (see certs/README.md). It ships with the code,
 * so any process can check what the simulator signed without asking the process that runs it.
 */
export const snsSimulatorCertificatePem = readFileSync(
  new URL("./certs/sns-simulator.test-only.cert.pem", import.meta.url),
  "utf8",
);

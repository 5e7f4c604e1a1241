import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createElfoProvider } from "../src/channels/elfo.ts";
import { type ElfoSimulator, startElfoSimulator } from "../src/simulators/elfo-simulator.ts";

const apiKey = "elfo-adapter-test-key";
let elfo: ElfoSimulator;

beforeAll(async () => {
  elfo = await startElfoSimulator({ apiKey, reports: false });
});
afterAll(async () => {
  await elfo.close();
});

function provider(overrides: { apiKey?: string; baseUrl?: string; timeoutMs?: number } = {}) {
  return createElfoProvider({
    baseUrl: elfo.url,
    apiKey,
    shortcode: "68100",
    timeoutMs: 2000,
    ...overrides,
  });
}

function message(to: string, reference = crypto.randomUUID()) {
  return { reference, to, text: "RM0.00 Hello" };
}

describe("the Elfo adapter", () => {
  it("returns the gateway's id for an accepted message", async () => {
    const result = await provider().send(message("+60123456789"));

    expect(result).toEqual({ kind: "accepted", providerMessageId: expect.stringMatching(/^ELF/) });
  });

  it("gets the same id back when a reference is sent again", async () => {
    const reference = crypto.randomUUID();

    const first = await provider().send(message("+60123456789", reference));
    const second = await provider().send(message("+60123456789", reference));

    expect(second).toEqual(first);
    expect(elfo.callsByReference.get(reference)).toBe(2);
  });

  it("reports an invalid number as a permanent failure", async () => {
    const result = await provider().send(message("+60123459990"));

    expect(result).toEqual({ kind: "permanent", code: "elfo_1003", message: "Invalid MSISDN" });
  });

  it("reports throttling and an unavailable gateway as transient", async () => {
    const throttled = await provider().send(message("+60123459992"));
    const unavailable = await provider().send(message("+60123459993"));

    expect(throttled).toEqual({ kind: "transient", code: "elfo_1005", message: "Throttled" });
    expect(unavailable).toMatchObject({ kind: "transient", code: "http_503" });
  });

  it("treats refused account credentials as transient, not as the message's fault", async () => {
    const result = await provider({ apiKey: "a-key-elfo-does-not-know" }).send(
      message("+60123456789"),
    );

    expect(result).toEqual({
      kind: "transient",
      code: "elfo_1001",
      message: "Authentication failed",
    });
  });

  it("reports an unreachable gateway and a timeout as transient", async () => {
    const silent = createServer(() => {
      // Never answers, so the adapter's timeout decides.
    });
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const silentUrl = `http://127.0.0.1:${(silent.address() as AddressInfo).port}`;

    const unreachable = await provider({ baseUrl: "http://127.0.0.1:1" }).send(
      message("+60123456789"),
    );
    const timedOut = await provider({ baseUrl: silentUrl, timeoutMs: 200 }).send(
      message("+60123456789"),
    );
    silent.closeAllConnections();
    silent.close();

    expect(unreachable).toMatchObject({ kind: "transient", code: "network" });
    expect(timedOut).toMatchObject({ kind: "transient", code: "network" });
  });
});

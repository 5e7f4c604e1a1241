import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface ReceivedWebhook {
  headers: IncomingHttpHeaders;
  body: string;
  at: number;
}

/**
 * A webhook receiver on loopback that records every request. `respondWith` decides the
 * status of each request, so a test can make it fail, recover or redirect.
 */
export async function startReceiver(port = 0) {
  const received: ReceivedWebhook[] = [];
  let respondWith: (request: ReceivedWebhook) => number = () => 200;

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const entry = {
        headers: request.headers,
        body: Buffer.concat(chunks).toString(),
        at: Date.now(),
      };
      received.push(entry);
      const status = respondWith(entry);
      if (status >= 300 && status < 400) response.setHeader("location", "http://127.0.0.1:1/");
      response.statusCode = status;
      response.end(status < 300 ? "ok" : `refused with ${status} ${"x".repeat(2000)}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));
  const address = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${address.port}/hooks`,
    port: address.port,
    received,
    respond(decide: (request: ReceivedWebhook) => number) {
      respondWith = decide;
    },
    /** Requests whose body is for this message, in arrival order. */
    forMessage(messageUuid: string) {
      return received.filter((entry) => entry.body.includes(messageUuid));
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

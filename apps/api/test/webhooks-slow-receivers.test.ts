import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { postWebhook } from "../src/domain/webhooks/transport.ts";
import type { WebhookUrlPolicy } from "../src/domain/webhooks/url-policy.ts";

describe("a receiver that answers too late", () => {
  const loopback: WebhookUrlPolicy = {
    allowHttp: true,
    allowLoopback: true,
    allowPrivate: false,
    resolve: async () => [{ address: "127.0.0.1", family: 4 }],
  };

  /** Runs `post` against a loopback receiver answering with `handler`, then closes it. */
  async function withReceiver(
    handler: Parameters<typeof createServer>[1],
    post: (url: string) => Promise<void>,
  ): Promise<void> {
    const server = createServer(handler);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    try {
      await post(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    } finally {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    }
  }

  it("fails the attempt with the timeout instead of waiting for it", async () => {
    await withReceiver(
      (_request, response) => {
        setTimeout(() => response.writeHead(200).end(), 1500);
      },
      async (url) => {
        const result = await postWebhook(url, {}, "{}", loopback, 300);

        expect(result).toMatchObject({ ok: false, statusCode: null });
        expect(result.error).toBe("No response within 300 ms");
      },
    );
  });

  it("stops reading a trickled body at the deadline and keeps the status", async () => {
    await withReceiver(
      (_request, response) => {
        response.writeHead(200, { "content-type": "text/plain" });
        const drip = setInterval(() => response.write("."), 50);
        response.on("close", () => clearInterval(drip));
      },
      async (url) => {
        const result = await postWebhook(url, {}, "{}", loopback, 400);

        expect(result).toMatchObject({ ok: true, statusCode: 200 });
        // Reading stopped at the deadline, long before an excerpt's worth of dots arrived.
        expect(result.excerpt).toMatch(/^\.+$/);
        expect(result.excerpt?.length).toBeLessThan(1024);
      },
    );
  });
});

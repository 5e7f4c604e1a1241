import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { describe, expect, it } from "vitest";
import { postWebhook } from "../src/domain/webhooks/transport.ts";
import {
  parseWebhookUrl,
  vetWebhookUrl,
  type WebhookUrlPolicy,
} from "../src/domain/webhooks/url-policy.ts";

const strict: WebhookUrlPolicy = {
  allowHttp: false,
  allowLoopback: false,
  allowPrivate: false,
  resolve: async () => [{ address: "93.184.216.34", family: 4 }],
};

const hostileUrls = [
  "http://hooks.example.com/",
  "https://127.0.0.1/",
  "https://127.1.2.3/",
  "https://localhost/",
  "https://10.0.0.1/",
  "https://172.16.0.1/",
  "https://192.168.1.1/",
  "https://100.64.0.1/",
  "https://169.254.169.254/latest/meta-data",
  "https://[::1]/",
  "https://[fd00::1]/",
  "https://[fd00:ec2::254]/",
  "https://[fe80::1]/",
  "https://[::ffff:127.0.0.1]/",
  "https://[::ffff:10.0.0.1]/",
  "https://0.0.0.0/",
  "https://2130706433/",
  "https://0177.0.0.1/",
  "https://0x7f.0.0.1/",
  "https://017700000001/",
  "https://user:pass@hooks.example.com/",
  "ftp://hooks.example.com/",
  "not a url",
];

describe("webhook URL checks", () => {
  it.each(hostileUrls)("refuses %s", async (url) => {
    const policy = { ...strict, resolve: async () => [{ address: "127.0.0.1", family: 4 }] };
    await expect(vetWebhookUrl(url, policy)).rejects.toMatchObject({ code: "validation_failed" });
  });

  it("refuses a name that resolves to loopback, and one with any private address", async () => {
    const dns = async (host: string) => {
      if (host === "localhost") return [{ address: "127.0.0.1", family: 4 }];
      return [
        { address: "93.184.216.34", family: 4 },
        { address: "10.1.2.3", family: 4 },
      ];
    };
    const policy = { ...strict, resolve: dns };
    await expect(vetWebhookUrl("https://localhost/", policy)).rejects.toThrow();
    await expect(vetWebhookUrl("https://mixed.example.com/", policy)).rejects.toThrow();
    await expect(vetWebhookUrl("https://public.example.com/", strict)).resolves.toBeTruthy();
  });

  it("allows http and loopback only when the settings say so, never metadata", () => {
    const relaxed = { ...strict, allowHttp: true, allowLoopback: true, allowPrivate: true };
    expect(parseWebhookUrl("http://127.0.0.1:8080/hooks", relaxed).port).toBe("8080");
    expect(parseWebhookUrl("https://10.0.0.1/", relaxed).hostname).toBe("10.0.0.1");
    expect(() => parseWebhookUrl("http://169.254.169.254/", relaxed)).toThrow();
    expect(() => parseWebhookUrl("http://[fd00:ec2::254]/", relaxed)).toThrow();
  });

  it("checks again at delivery and connects to the vetted address, not a new answer", async () => {
    const received: string[] = [];
    const server = createServer((request, response) => {
      received.push(String(request.headers.host));
      response.end("ok");
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const port = (server.address() as AddressInfo).port;
    try {
      // The name is not in any DNS: reaching the server proves the vetted address was used.
      const loopbackDns = { ...strict, allowHttp: true, allowLoopback: true };
      const pinned = {
        ...loopbackDns,
        resolve: async () => [{ address: "127.0.0.1", family: 4 }],
      };
      const ok = await postWebhook(`http://hooks.example.test:${port}/`, {}, "{}", pinned, 2000);
      expect(ok).toMatchObject({ ok: true, statusCode: 200 });
      expect(received).toEqual([`hooks.example.test:${port}`]);

      // The same name now resolving to a private address is refused without a request.
      const rebound = { ...loopbackDns, resolve: async () => [{ address: "10.0.0.7", family: 4 }] };
      const refused = await postWebhook(
        `http://hooks.example.test:${port}/`,
        {},
        "{}",
        rebound,
        2000,
      );
      expect(refused.ok).toBe(false);
      expect(refused.error).toMatch(/private network/);
      expect(received).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});

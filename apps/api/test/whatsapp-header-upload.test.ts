import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, startTestPlatform, type TestPlatform } from "./harness.ts";
import { createWhatsAppClient, type WhatsAppClient } from "./whatsapp-helpers.ts";

let platform: TestPlatform;
let client: WhatsAppClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  client = await createWhatsAppClient(platform.db, platform.config);
});
afterAll(async () => {
  await platform.close();
});

describe("POST /whatsapp/upload-header-image", () => {
  const png = Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    Buffer.alloc(64, 7),
  ]);

  function upload(key: string | undefined, form: FormData | string) {
    return api(platform.url, "POST", "/whatsapp/upload-header-image", {
      ...(key ? { key } : {}),
      ...(typeof form === "string"
        ? { raw: form, headers: { "content-type": "application/json" } }
        : { form }),
    });
  }

  function formWith(bytes: Buffer, name: string, type: string): FormData {
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(bytes)], { type }), name);
    return form;
  }

  it("stores a PNG and serves it at an unguessable public URL", async () => {
    const response = await upload(client.key, formWith(png, "banner.png", "image/png"));

    expect(response.status).toBe(200);
    const { data } = response.body as { data: { url: string; contentType: string } };
    expect(data.contentType).toBe("image/png");
    expect(data.url).toMatch(/\/media\/[0-9A-Za-z]{32,}$/);
    const served = await fetch(data.url);
    expect(served.status).toBe(200);
    expect(served.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await served.arrayBuffer())).toEqual(png);
  });

  it("checks the file's bytes, not its name or declared type", async () => {
    const script = Buffer.from("<script>alert(1)</script>");
    const pdf = Buffer.from("%PDF-1.7\n%...");

    const refused = await upload(client.key, formWith(script, "cat.png", "image/png"));
    const accepted = await upload(
      client.key,
      formWith(pdf, "menu.bin", "application/octet-stream"),
    );

    expect(refused.status).toBe(400);
    expect(refused.body).toEqual({
      message: "Only JPEG, PNG, WebP, MP4, and PDF files are supported",
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.data.contentType).toBe("application/pdf");
  });

  it("answers No file uploaded for an empty form or a JSON body", async () => {
    const empty = new FormData();
    empty.append("note", "no file here");

    for (const body of [empty, JSON.stringify({ file: "x" })]) {
      const response = await upload(client.key, body);

      expect(response.status).toBe(400);
      expect(response.body).toEqual({ message: "No file uploaded" });
    }
  });

  it("refuses a missing key, a key without the scope, and an unknown media id", async () => {
    const smsOnly = await createWhatsAppClient(platform.db, platform.config, {
      scopes: ["send_sms"],
    });

    const anonymous = await upload(undefined, formWith(png, "a.png", "image/png"));
    const unscoped = await upload(smsOnly.key, formWith(png, "a.png", "image/png"));
    const unknown = await api(platform.url, "GET", `/media/${"a".repeat(32)}`);

    expect(anonymous.status).toBe(401);
    expect(unscoped.status).toBe(403);
    expect(unknown.status).toBe(404);
  });
});

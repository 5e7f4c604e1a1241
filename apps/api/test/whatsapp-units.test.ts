import { describe, expect, it } from "vitest";
import { classifyGraphError, templatePayload } from "../src/channels/meta-cloud.ts";
import { metaPhoneNumberIds, parseMetaStatuses } from "../src/channels/meta-statuses.ts";
import { createSecretBox } from "../src/domain/encryption.ts";
import { detectMediaType } from "../src/domain/whatsapp/media.ts";
import { configFor, loadConfig } from "../src/env.ts";
import { metaStatus, metaWebhook } from "./whatsapp-helpers.ts";

describe("stored credential encryption", () => {
  const box = createSecretBox(configFor({}).ENCRYPTION_KEY);

  it("round-trips a secret and never stores it in the clear", () => {
    const sealed = box.seal("EAAG-secret-token", "client-a:access_token");

    expect(sealed).not.toContain("EAAG");
    expect(box.open(sealed, "client-a:access_token")).toBe("EAAG-secret-token");
    expect(box.seal("same", "x")).not.toBe(box.seal("same", "x"));
  });

  it("refuses a ciphertext moved to another row or altered", () => {
    const sealed = box.seal("EAAG-secret-token", "client-a:access_token");
    const altered = `${sealed.slice(0, -4)}AAAA`;

    expect(() => box.open(sealed, "client-b:access_token")).toThrow();
    expect(() => box.open(altered, "client-a:access_token")).toThrow();
  });

  it("requires ENCRYPTION_KEY in production and checks its length", () => {
    const production = {
      NODE_ENV: "production",
      SIMULATOR_SECRET: "a-production-simulator-secret",
    };

    expect(() => loadConfig(production)).toThrow(/ENCRYPTION_KEY: required in production/);
    expect(() => loadConfig({ ...production, ENCRYPTION_KEY: "short" })).toThrow(/ENCRYPTION_KEY/);
    expect(loadConfig({ ...production, ENCRYPTION_KEY: "ab".repeat(32) }).ENCRYPTION_KEY).toBe(
      "ab".repeat(32),
    );
  });
});

describe("Meta error classification", () => {
  const error = (code: number) => ({ message: "m", type: "OAuthException", code });

  it("retries throttling, 5xx and network trouble; fails undeliverable and other 4xx", () => {
    for (const code of [4, 80007, 130429, 131056]) {
      expect(classifyGraphError(429, error(code)).kind).toBe("transient");
    }
    for (const code of [131026, 133010, 131047, 131051, 132000, 132001]) {
      expect(classifyGraphError(400, error(code))).toEqual({
        kind: "permanent",
        code: String(code),
        message: "m",
      });
    }
    expect(classifyGraphError(503, undefined).kind).toBe("transient");
    expect(classifyGraphError(500, error(1)).kind).toBe("transient");
    expect(classifyGraphError(401, error(190)).kind).toBe("permanent");
    expect(classifyGraphError(404, undefined)).toMatchObject({
      kind: "permanent",
      code: "http_404",
    });
  });

  it("builds the template payload Meta documents", () => {
    const payload = templatePayload({
      reference: "r",
      to: "+60123456789",
      sender: { phoneNumberId: "1", accessToken: "t" },
      template: { name: "hello_world", language: "en_US", components: [] },
    });

    expect(payload).toEqual({
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "60123456789",
      type: "template",
      template: { name: "hello_world", language: { code: "en_US" } },
    });
  });
});

describe("parseMetaStatuses", () => {
  it("reads every status of batched entries and changes, with failure details", () => {
    const payload = JSON.parse(
      metaWebhook([
        [
          { phoneNumberId: "111", statuses: [metaStatus("wamid.A", "sent", "601")] },
          { phoneNumberId: "111", statuses: [metaStatus("wamid.B", "read", "602")] },
        ],
        [
          {
            phoneNumberId: "222",
            statuses: [
              metaStatus("wamid.C", "failed", "603", {
                errors: [{ code: 131026, title: "Message undeliverable" }],
              }),
              metaStatus("wamid.D", "deleted", "604"),
              { status: "delivered" },
            ],
          },
        ],
      ]),
    );

    const reports = parseMetaStatuses(payload);

    expect(reports.map((r) => [r.providerMessageId, r.status])).toEqual([
      ["wamid.A", "sent"],
      ["wamid.B", "read"],
      ["wamid.C", "failed"],
    ]);
    expect(reports[2]).toMatchObject({
      errorCode: "131026",
      errorMessage: "Message undeliverable",
    });
    expect(metaPhoneNumberIds(payload)).toEqual(["111", "222"]);
    expect(parseMetaStatuses({ entry: "nonsense" })).toEqual([]);
  });
});

describe("detectMediaType", () => {
  it("knows each supported type by its first bytes", () => {
    const riff = Buffer.concat([Buffer.from("RIFF"), Buffer.alloc(4), Buffer.from("WEBPVP8 ")]);
    const mp4 = Buffer.concat([Buffer.from([0, 0, 0, 0x20]), Buffer.from("ftypisom")]);

    expect(detectMediaType(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))).toBe("image/jpeg");
    expect(detectMediaType(riff)).toBe("image/webp");
    expect(detectMediaType(mp4)).toBe("video/mp4");
    expect(detectMediaType(Buffer.from("%PDF-1.4"))).toBe("application/pdf");
    expect(detectMediaType(Buffer.from("GIF89a"))).toBeNull();
    expect(detectMediaType(Buffer.alloc(0))).toBeNull();
  });
});

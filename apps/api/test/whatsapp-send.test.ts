import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../src/domain/audit.ts";
import { createSecretBox } from "../src/domain/encryption.ts";
import { configureWhatsApp } from "../src/domain/whatsapp/config.ts";
import { simulatorPhoneNumberId } from "../src/domain/whatsapp/sender.ts";
import {
  type ApiResponse,
  api,
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
} from "./harness.ts";
import { waitForStatuses } from "./message-helpers.ts";
import { countClientRows } from "./sms-helpers.ts";
import { createWhatsAppClient, type WhatsAppClient, whatsappBody } from "./whatsapp-helpers.ts";

let platform: TestPlatform;
let client: WhatsAppClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  client = await createWhatsAppClient(platform.db, platform.config);
});
afterAll(async () => {
  await platform.close();
});

function send(sender: TestClient, body: Record<string, unknown>) {
  return api(platform.url, "POST", "/whatsapp", { key: sender.key, body });
}

/** The template part of what the simulator received for one recipient. */
interface SentCall {
  phoneNumberId: string;
  template?: { components?: { parameters: { text?: string }[] }[] };
  [field: string]: unknown;
}

function sentTemplate(recipient: string): SentCall | undefined {
  const call = platform.runtime.simulators?.graph.calls.findLast(
    (entry) => entry.payload.to === recipient,
  );
  return call && { phoneNumberId: call.phoneNumberId, ...call.payload };
}

async function sendAndWait(sender: TestClient, body: Record<string, unknown>) {
  const response = await send(sender, body);
  expect(response.status).toBe(202);
  const rows = body.recipientVariables as { phone: string }[] | undefined;
  const recipients = (body.recipients ?? rows?.map((row) => row.phone)) as string[];
  await waitForStatuses(
    platform.db,
    response.body.data.broadcastUuid,
    Object.fromEntries(recipients.map((r) => [`+${r.replace(/^\+/, "")}`, "delivered"])),
  );
  return response;
}

async function expectRefusal(
  sender: TestClient,
  request: () => Promise<ApiResponse>,
  status: number,
  message: string,
): Promise<ApiResponse> {
  const before = await countClientRows(platform.db, sender.clientId);

  const response = await request();

  expect(response.status).toBe(status);
  expect(response.body.message).toBe(message);
  expect(await countClientRows(platform.db, sender.clientId)).toEqual(before);
  return response;
}

describe("POST /whatsapp template parameters", () => {
  it("fills a positional template's header, body and URL button from the arrays", async () => {
    await sendAndWait(
      client,
      whatsappBody({
        templateName: "order_update",
        recipients: ["60123450011"],
        variables: { header: ["A-1001"], body: ["Aisyah", "A-1001"], button: ["A-1001"] },
      }),
    );

    expect(sentTemplate("60123450011")).toEqual({
      phoneNumberId: client.phoneNumberId,
      messaging_product: "whatsapp",
      recipient_type: "individual",
      to: "60123450011",
      type: "template",
      template: {
        name: "order_update",
        language: { code: "en_US" },
        components: [
          { type: "header", parameters: [{ type: "text", text: "A-1001" }] },
          {
            type: "body",
            parameters: [
              { type: "text", text: "Aisyah" },
              { type: "text", text: "A-1001" },
            ],
          },
          {
            type: "button",
            sub_type: "url",
            index: "1",
            parameters: [{ type: "text", text: "A-1001" }],
          },
        ],
      },
    });
  });

  it("fills a named template from templateParams with parameter_name", async () => {
    await sendAndWait(
      client,
      whatsappBody({
        templateName: "promo_named",
        recipients: ["60123450012"],
        variables: { templateParams: { first_name: "Siti", offer: "20% off" } },
      }),
    );

    expect(sentTemplate("60123450012")?.template).toEqual({
      name: "promo_named",
      language: { code: "en_US" },
      components: [
        {
          type: "body",
          parameters: [
            { type: "text", parameter_name: "first_name", text: "Siti" },
            { type: "text", parameter_name: "offer", text: "20% off" },
          ],
        },
      ],
    });
  });

  it("sends an image header from headerImage", async () => {
    await sendAndWait(
      client,
      whatsappBody({
        templateName: "image_promo",
        recipients: ["60123450013"],
        variables: { headerImage: "https://cdn.example.com/new.jpg" },
      }),
    );

    expect(
      (sentTemplate("60123450013")?.template as { components: unknown } | undefined)?.components,
    ).toEqual([
      {
        type: "header",
        parameters: [{ type: "image", image: { link: "https://cdn.example.com/new.jpg" } }],
      },
    ]);
  });

  it("lets recipientVariables rows override the shared values per recipient", async () => {
    const response = await sendAndWait(
      client,
      whatsappBody({
        templateName: "order_update",
        variables: { header: ["X"], body: ["Customer", "X"], button: ["X"] },
        recipients: undefined,
        recipientVariables: [
          { phone: "60123450014", "body.1": "Ali", "header.1": "B-7", "button.1": "B-7" },
          { phone: "+60123450015" },
        ],
      }),
    );

    expect(response.body.data).toMatchObject({ queued: 2, reserved: 40 });
    const first = sentTemplate("60123450014")?.template as {
      components: { parameters: { text: string }[] }[];
    };
    const second = sentTemplate("60123450015")?.template as typeof first;
    expect(first.components.map((c) => c.parameters.map((p) => p.text))).toEqual([
      ["B-7"],
      ["Ali", "X"],
      ["B-7"],
    ]);
    expect(second.components.map((c) => c.parameters.map((p) => p.text))).toEqual([
      ["X"],
      ["Customer", "X"],
      ["X"],
    ]);
  });

  it("lets rows carry named parameters too", async () => {
    await sendAndWait(
      client,
      whatsappBody({
        templateName: "promo_named",
        variables: { templateParams: { first_name: "there", offer: "A gift" } },
        recipients: undefined,
        recipientVariables: [{ phone: "60123450016", first_name: "Mei Ling" }],
      }),
    );

    const template = sentTemplate("60123450016")?.template as {
      components: { parameters: unknown[] }[];
    };
    expect(template.components[0]?.parameters).toEqual([
      { type: "text", parameter_name: "first_name", text: "Mei Ling" },
      { type: "text", parameter_name: "offer", text: "A gift" },
    ]);
  });

  it("accepts international numbers and sends them without the plus", async () => {
    await sendAndWait(client, whatsappBody({ recipients: ["+6591234567", "6281234567890"] }));

    expect(sentTemplate("6591234567")).toBeDefined();
    expect(sentTemplate("6281234567890")).toBeDefined();
  });
});

describe("POST /whatsapp refusals", () => {
  it("refuses missing or non-string values and bad recipients with the field", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ templateName: "order_update", variables: { body: ["only one"] } }, "variables.header"],
      [
        {
          templateName: "order_update",
          variables: { header: ["A"], body: [1, "x"], button: ["b"] },
        },
        "variables.body.0",
      ],
      [
        {
          templateName: "promo_named",
          variables: { templateParams: { first_name: 5, offer: "x" } },
        },
        "variables.templateParams.first_name",
      ],
      [
        { templateName: "promo_named", variables: { templateParams: { first_name: "x" } } },
        "variables.templateParams.offer",
      ],
      [{ templateName: "image_promo" }, "variables.headerImage"],
      [
        { templateName: "image_promo", variables: { headerImage: "javascript:alert(1)" } },
        "variables.headerImage",
      ],
      [{ variables: { unknown: "x" } }, "variables"],
      [
        { recipients: undefined, recipientVariables: [{ phone: "60123450001", name: 7 }] },
        "recipientVariables.0.name",
      ],
      [{ recipients: ["60123450001", "not a number"] }, "recipients.1"],
    ];
    for (const [overrides, field] of cases) {
      const response = await expectRefusal(
        client,
        () => send(client, whatsappBody(overrides)),
        400,
        "Validation failed",
      );

      expect(response.body.errors.map((error: { field: string }) => error.field)).toContain(field);
    }
  });

  it("answers 404 for an unknown template and 422 for one pending approval", async () => {
    await expectRefusal(
      client,
      () => send(client, whatsappBody({ templateName: "nope" })),
      404,
      "WhatsApp template not found",
    );
    await expectRefusal(
      client,
      () => send(client, whatsappBody({ templateName: "pending_promo" })),
      422,
      "Template is not approved (current status: pending)",
    );
  });

  it("treats another client's template as not found", async () => {
    const stranger = await createTestClient(platform.db);
    await configureWhatsApp(
      platform.db,
      createSecretBox(platform.config.ENCRYPTION_KEY),
      cliActor,
      {
        clientId: stranger.clientId,
        usePlatformDefault: true,
      },
    );

    await expectRefusal(
      stranger,
      () => send(stranger, whatsappBody()),
      404,
      "WhatsApp template not found",
    );
  });

  it("answers 404 without a sender, and uses the shared number once staff enable it", async () => {
    const bare = await createWhatsAppClient(platform.db, platform.config);
    const box = createSecretBox(platform.config.ENCRYPTION_KEY);
    await configureWhatsApp(platform.db, box, cliActor, { clientId: bare.clientId, active: false });

    await expectRefusal(
      bare,
      () => send(bare, whatsappBody()),
      404,
      "No active WhatsApp configuration found for this client",
    );

    await configureWhatsApp(platform.db, box, cliActor, {
      clientId: bare.clientId,
      phoneNumberId: null,
      accessToken: null,
      usePlatformDefault: true,
      active: true,
    });
    await sendAndWait(bare, whatsappBody({ recipients: ["60123450021"] }));
    expect(sentTemplate("60123450021")?.phoneNumberId).toBe(simulatorPhoneNumberId);
  });

  it("refuses a missing scope, an unsubscribed client and too little credit", async () => {
    const smsOnly = await createWhatsAppClient(platform.db, platform.config, {
      scopes: ["send_sms"],
    });
    const noChannel = await createWhatsAppClient(platform.db, platform.config, {
      channels: ["sms"],
    });
    const broke = await createWhatsAppClient(platform.db, platform.config, { credit: 10 });

    await expectRefusal(
      smsOnly,
      () => send(smsOnly, whatsappBody()),
      403,
      "API key does not have the required scope: send_whatsapp",
    );
    await expectRefusal(
      noChannel,
      () => send(noChannel, whatsappBody()),
      403,
      "Client does not have an active WhatsApp channel subscription",
    );
    await expectRefusal(
      broke,
      () => send(broke, whatsappBody()),
      402,
      "Insufficient credit. Required: RM0.20, available: RM0.10",
    );
    await expectRefusal(
      broke,
      () => api(platform.url, "POST", "/whatsapp", { body: whatsappBody() }),
      401,
      "Missing or invalid Authorization header",
    );
  });
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

describe("POST /whatsapp extras", () => {
  it("replays the first response for a repeated Idempotency-Key, creating nothing", async () => {
    const body = whatsappBody({ recipients: ["60123450041"] });
    const headers = { "idempotency-key": "wa-order-41" };

    const first = await api(platform.url, "POST", "/whatsapp", { key: client.key, body, headers });
    const again = await api(platform.url, "POST", "/whatsapp", { key: client.key, body, headers });

    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
  });

  it("is described in the OpenAPI document", async () => {
    const response = await api(platform.url, "GET", "/openapi.json");

    expect(response.status).toBe(200);
    const paths = Object.keys(response.body.paths);
    for (const path of [
      "/whatsapp",
      "/whatsapp/test",
      "/whatsapp/upload-header-image",
      "/media/{id}",
      "/callbacks/meta",
    ]) {
      expect(paths).toContain(path);
    }
  });
});

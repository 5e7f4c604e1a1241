import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, startTestPlatform, type TestPlatform } from "./harness.ts";
import {
  createWhatsAppClient,
  type WhatsAppClient,
  whatsappBody,
  whatsappSendCalls,
} from "./whatsapp-helpers.ts";

let platform: TestPlatform;
let client: WhatsAppClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  client = await createWhatsAppClient(platform.db, platform.config);
});
afterAll(async () => {
  await platform.close();
});

const { sentTemplate, sendAndWait } = whatsappSendCalls(() => platform);

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

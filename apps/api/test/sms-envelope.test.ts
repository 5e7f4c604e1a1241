import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type TestClient, type TestPlatform } from "./harness.ts";
import {
  envelopeBodyLimit as bodyLimit,
  type ClientRows,
  countClientRows,
  expectEnvelope,
  fieldsOf,
  postSms,
  smsBody,
  startEnvelopePlatform,
} from "./sms-helpers.ts";

let platform: TestPlatform;
let client: TestClient;
let before: ClientRows;

beforeAll(async () => {
  ({ platform, client, before } = await startEnvelopePlatform());
});
afterAll(async () => {
  // Nothing in this file may have been accepted.
  expect(await countClientRows(platform.db, client.clientId)).toEqual(before);
  await platform.close();
});

const post = (options: Parameters<typeof postSms>[2]) => postSms(platform, client.key, options);

const json = { "content-type": "application/json" };

describe("a body that is not a JSON object", () => {
  it.each([
    ["malformed JSON", '{"campaignName": '],
    ["a trailing comma", '{"a": 1,}'],
    ["a bare string", '"hello"'],
    ["an array", "[1, 2, 3]"],
    ["null", "null"],
    ["a number", "42"],
  ])("answers 400 for %s", async (_case, raw) => {
    const response = await post({ raw, headers: json });

    expectEnvelope(response, 400);
    expect(response.body.message).toBe("Validation failed");
    expect(response.body.errors.length).toBeGreaterThan(0);
  });

  it("answers 400 for an empty body", async () => {
    const response = await post({ raw: "", headers: json });

    expectEnvelope(response, 400);
    expect(response.body.errors).toEqual([{ field: "body", message: "Request body is empty" }]);
  });

  it.each([
    ["text/plain", JSON.stringify(smsBody())],
    ["application/x-www-form-urlencoded", "campaignName=x&type=quick+broadcast"],
    [
      "multipart/form-data; boundary=x",
      "--x\r\nContent-Disposition: form-data; name=a\r\n\r\n1\r\n--x--",
    ],
    ["application/xml", "<sms/>"],
  ])("answers 415 for content type %s", async (type, raw) => {
    const response = await post({ raw, headers: { "content-type": type } });

    expectEnvelope(response, 415);
    expect(response.body.message).toBe("Content-Type must be application/json");
  });

  it("answers 413 for a body over the limit", async () => {
    const response = await post({
      body: smsBody({ templateContent: "x".repeat(bodyLimit + 10) }),
    });

    expectEnvelope(response, 413);
    expect(response.body.message).toBe("Request body is too large");
  });
});

describe("other routes", () => {
  it("answers an unknown route with 404 in the envelope", async () => {
    const response = await api(platform.url, "GET", "/does-not-exist", { key: client.key });

    expectEnvelope(response, 404);
  });

  it("answers a wrong method with 404 in the envelope", async () => {
    const response = await api(platform.url, "DELETE", "/sms", { key: client.key });

    expectEnvelope(response, 404);
  });

  it("answers a path that is not valid percent-encoding with 400 in the envelope", async () => {
    const response = await api(platform.url, "GET", "/broadcasts/%ZZ", { key: client.key });

    expectEnvelope(response, 400);
    expect(fieldsOf(response)).toEqual(["path"]);
    expect(JSON.stringify(response.body)).not.toContain("%ZZ");
  });

  it("answers an id longer than any id with 404 in the envelope", async () => {
    const id = "a".repeat(600);
    const response = await api(platform.url, "GET", `/broadcasts/${id}`, { key: client.key });

    expectEnvelope(response, 404);
    expect(JSON.stringify(response.body)).not.toContain(id);
  });
});

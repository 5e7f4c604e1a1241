import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  api,
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
} from "./harness.ts";

let platform: TestPlatform;
let owner: TestClient;
let stranger: TestClient;

beforeAll(async () => {
  platform = await startTestPlatform();
  owner = await createTestClient(platform.db);
  stranger = await createTestClient(platform.db);
});
afterAll(async () => {
  await platform.close();
});

function call(method: string, path: string, key: string, body?: unknown) {
  return api(platform.url, method, path, { key, ...(body === undefined ? {} : { body }) });
}

describe("the suppression list over REST", () => {
  it("adds, lists page by page, and removes addresses, auditing each change", async () => {
    const first = await call("POST", "/suppressions", owner.key, { email: " Zed@Example.com " });
    const again = await call("POST", "/suppressions", owner.key, { email: "zed@example.com" });
    await call("POST", "/suppressions", owner.key, { email: "amy@example.com" });
    await call("POST", "/suppressions", owner.key, { email: "kim@example.com" });

    expect(first.status).toBe(201);
    expect(first.body.data).toMatchObject({ email: "zed@example.com", reason: "manual" });
    expect(again.status).toBe(200);

    const page1 = await call("GET", "/suppressions?limit=2", owner.key);
    expect(page1.status).toBe(200);
    expect(page1.body.data.items.map((item: { email: string }) => item.email)).toEqual([
      "amy@example.com",
      "kim@example.com",
    ]);
    const page2 = await call(
      "GET",
      `/suppressions?limit=2&cursor=${page1.body.data.nextCursor}`,
      owner.key,
    );
    expect(page2.body.data).toMatchObject({
      items: [expect.objectContaining({ email: "zed@example.com" })],
      nextCursor: null,
    });

    const removed = await call("DELETE", "/suppressions?email=kim@example.com", owner.key);
    expect(removed.status).toBe(200);
    expect(removed.body.data.email).toBe("kim@example.com");
    const gone = await call("DELETE", "/suppressions?email=kim@example.com", owner.key);
    expect(gone.status).toBe(404);
    expect(gone.body).toEqual({ message: "Suppression not found" });

    const audit = await platform.db.execute(sql`SELECT action FROM audit_log
      WHERE client_id = ${owner.clientId} AND target_type = 'suppression' ORDER BY id`);
    expect((audit as unknown as { action: string }[]).map((row) => row.action)).toEqual([
      "suppression.add",
      "suppression.add",
      "suppression.add",
      "suppression.remove",
    ]);
  });

  it("keeps each client's list to itself", async () => {
    await call("POST", "/suppressions", owner.key, { email: "private@example.com" });

    const listed = await call("GET", "/suppressions", stranger.key);
    const deleted = await call("DELETE", "/suppressions?email=private@example.com", stranger.key);

    expect(listed.status).toBe(200);
    expect(listed.body.data.items).toEqual([]);
    expect(deleted.status).toBe(404);
    const mine = await call("GET", "/suppressions?limit=100", owner.key);
    expect(mine.body.data.items.map((item: { email: string }) => item.email)).toContain(
      "private@example.com",
    );
  });

  it("needs the manage_suppressions scope and a key", async () => {
    const narrow = await createTestClient(platform.db, { scopes: ["send_email"] });

    const refused = await call("GET", "/suppressions", narrow.key);
    const anonymous = await api(platform.url, "GET", "/suppressions");

    expect(refused.status).toBe(403);
    expect(refused.body.message).toBe(
      "API key does not have the required scope: manage_suppressions",
    );
    expect(anonymous.status).toBe(401);
  });

  it("answers 400 for bad addresses, cursors and query fields", async () => {
    const badEmail = await call("POST", "/suppressions", owner.key, { email: "nobody" });
    const badCursor = await call("GET", "/suppressions?cursor=%%%", owner.key);
    const badLimit = await call("GET", "/suppressions?limit=0", owner.key);
    const badBody = await api(platform.url, "POST", "/suppressions", {
      key: owner.key,
      raw: "{",
      headers: { "content-type": "application/json" },
    });

    expect(badEmail.status).toBe(400);
    expect(badEmail.body.errors).toEqual([{ field: "email", message: "Invalid email address" }]);
    expect(badCursor.status).toBe(400);
    expect(badLimit.status).toBe(400);
    expect(badBody.status).toBe(400);
  });
});

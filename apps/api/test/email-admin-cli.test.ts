import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { connectDatabase } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../src/domain/audit.ts";
import { createClient } from "../src/domain/clients.ts";
import { createTestDatabase } from "./harness.ts";

const run = promisify(execFile);
let databaseUrl: string;
let clientId: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
  const database = connectDatabase(databaseUrl, { max: 1 });
  const client = await createClient(database.db, cliActor, {
    name: "Kedai Email",
    billing: "prepaid",
    channels: ["email"],
  });
  clientId = client.id;
  await database.close();
});

async function admin(...args: string[]): Promise<{ code: number; json: any }> {
  try {
    const { stdout } = await run(
      process.execPath,
      ["--experimental-strip-types", "apps/api/src/admin/cli.ts", ...args],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" },
      },
    );
    return { code: 0, json: JSON.parse(stdout.trim().split("\n").at(-1) ?? "null") };
  } catch (error) {
    const failure = error as { code: number; stdout: string };
    const last = failure.stdout.trim().split("\n").at(-1);
    return { code: failure.code, json: last ? JSON.parse(last) : null };
  }
}

describe("email commands of the admin CLI", () => {
  it("records a sender identity and an email template, each audited", async () => {
    const identity = await admin(
      "email:identity",
      "--client",
      clientId,
      "--from",
      "News@Kedai.example.com",
      "--name",
      "Kedai News",
    );
    const template = await admin(
      "template:create",
      "--channel",
      "email",
      "--client",
      clientId,
      "--name",
      "promo",
      "--subject",
      "Hi {name}",
      "--html",
      "<p>Hi {name}</p>",
      "--text",
      "Hi {name}",
      "--status",
      "approved",
    );

    expect(identity).toEqual({
      code: 0,
      json: { clientId, from: "news@kedai.example.com", name: "Kedai News", verified: true },
    });
    expect(template.code).toBe(0);
    expect(template.json).toMatchObject({ channel: "email", name: "promo", status: "approved" });
    const database = connectDatabase(databaseUrl, { max: 1 });
    const rows = await database.db.execute(
      sql`SELECT content, details FROM templates WHERE id = ${template.json.id}`,
    );
    const audit = await database.db.execute(
      sql`SELECT action FROM audit_log WHERE client_id = ${clientId} ORDER BY id`,
    );
    await database.close();
    expect(rows[0]).toEqual({
      content: "Hi {name}",
      details: { subject: "Hi {name}", html: "<p>Hi {name}</p>" },
    });
    expect((audit as unknown as { action: string }[]).map((row) => row.action)).toEqual([
      "client.create",
      "email_sender.set",
      "template.create",
    ]);
  });

  it("refuses an invalid sender address", async () => {
    const result = await admin("email:identity", "--client", clientId, "--from", "nobody");

    expect(result.code).toBe(1);
    expect(result.json.error).toContain("Invalid email address");
  });
});

import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { connectDatabase } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./harness.ts";

const run = promisify(execFile);
let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
});

async function admin(...args: string[]): Promise<{ code: number; json: any }> {
  try {
    const { stdout } = await run(
      process.execPath,
      ["--experimental-strip-types", "apps/api/src/admin/cli.ts", ...args],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "silent", NODE_ENV: "test" },
      },
    );
    return { code: 0, json: JSON.parse(stdout.trim().split("\n").at(-1) ?? "null") };
  } catch (error) {
    const failure = error as { code: number; stdout: string };
    const last = failure.stdout.trim().split("\n").at(-1);
    return { code: failure.code, json: last ? JSON.parse(last) : null };
  }
}

describe("WhatsApp admin commands", () => {
  it("configures a sender with encrypted secrets and creates an approved template", async () => {
    const client = await admin(
      "client:create",
      "--name",
      "Kedai WA",
      "--billing",
      "prepaid",
      "--channels",
      "whatsapp",
    );
    const clientId = client.json.id as string;

    const configured = await admin(
      "whatsapp:configure",
      "--client",
      clientId,
      "--phone-number-id",
      "106540352242922",
      "--access-token",
      "EAAG-super-secret-token",
      "--app-secret",
      "app-secret-value",
      "--verify-token",
      "verify-me-please",
      "--use-platform-default",
    );
    const template = await admin(
      "template:create",
      "--channel",
      "whatsapp",
      "--client",
      clientId,
      "--name",
      "order_ready",
      "--language",
      "en",
      "--category",
      "UTILITY",
      "--components",
      JSON.stringify([{ type: "BODY", text: "Order {{1}} is ready." }]),
      "--status",
      "approved",
    );
    const bad = await admin(
      "template:create",
      "--channel",
      "whatsapp",
      "--client",
      clientId,
      "--name",
      "x",
      "--language",
      "en",
      "--category",
      "UTILITY",
      "--components",
      "not json",
    );

    expect(configured.code).toBe(0);
    expect(configured.json).toMatchObject({
      phoneNumberId: "106540352242922",
      hasAccessToken: true,
      hasAppSecret: true,
      usePlatformDefault: true,
      active: true,
    });
    expect(JSON.stringify(configured.json)).not.toContain("super-secret");
    expect(template.code).toBe(0);
    expect(template.json).toMatchObject({
      channel: "whatsapp",
      name: "order_ready",
      status: "approved",
    });
    expect(bad.code).not.toBe(0);

    const database = connectDatabase(databaseUrl, { max: 1 });
    try {
      const rows = (await database.db.execute(sql`SELECT access_token_encrypted AS token,
          (SELECT count(*) FROM audit_log WHERE client_id = ${clientId}
            AND action = 'whatsapp_config.create') AS audits,
          (SELECT details->>'parameterFormat' FROM templates
            WHERE client_id = ${clientId}) AS format
        FROM whatsapp_configs WHERE client_id = ${clientId}`)) as unknown as {
        token: string;
        audits: string;
        format: string;
      }[];
      expect(rows[0]?.token).not.toContain("EAAG");
      expect(Number(rows[0]?.audits)).toBe(1);
      expect(rows[0]?.format).toBe("POSITIONAL");
    } finally {
      await database.close();
    }
  });
});

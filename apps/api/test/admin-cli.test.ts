import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { promisify } from "node:util";
import { connectDatabase } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDatabase } from "./harness.ts";

const run = promisify(execFile);
let databaseUrl: string;

beforeAll(async () => {
  databaseUrl = await createTestDatabase();
});

interface CliResult {
  code: number;
  json: any;
  stdout: string;
  stderr: string;
}

async function admin(...args: string[]): Promise<CliResult> {
  try {
    const { stdout, stderr } = await run(
      process.execPath,
      ["--experimental-strip-types", "apps/api/src/admin/cli.ts", ...args],
      {
        env: { ...process.env, DATABASE_URL: databaseUrl, LOG_LEVEL: "silent" },
      },
    );
    const last = stdout.trim().split("\n").at(-1) ?? "null";
    return { code: 0, json: JSON.parse(last), stdout, stderr };
  } catch (error) {
    const failure = error as { code: number; stdout: string; stderr: string };
    const last = failure.stdout.trim().split("\n").at(-1);
    return {
      code: failure.code,
      json: last ? JSON.parse(last) : null,
      stdout: failure.stdout,
      stderr: failure.stderr,
    };
  }
}

describe("the admin CLI", () => {
  const database = () => connectDatabase(databaseUrl, { max: 1 });
  let clientId: string;
  let keyId: string;

  afterAll(async () => {});

  it("creates a prepaid client and tops it up", async () => {
    const created = await admin(
      "client:create",
      "--name",
      "Kedai Ali",
      "--billing",
      "prepaid",
      "--channels",
      "sms,email",
    );
    expect(created.code).toBe(0);
    expect(created.json).toMatchObject({
      name: "Kedai Ali",
      billing: "prepaid",
      channels: ["sms", "email"],
    });
    clientId = created.json.id;

    const topup = await admin(
      "credit:topup",
      "--client",
      clientId,
      "--amount",
      "5000",
      "--reason",
      "opening balance",
    );
    expect(topup.json).toEqual({ clientId, amount: 5000, balance: 5000 });
  });

  it("sets rates, templates and keywords", async () => {
    expect((await admin("rates:set", "--client", clientId, "--sms", "6")).json).toMatchObject({
      sms: 6,
    });
    const template = await admin(
      "template:create",
      "--client",
      clientId,
      "--channel",
      "sms",
      "--name",
      "promo",
      "--content",
      "Hi {name}",
      "--status",
      "approved",
    );
    expect(template.json).toMatchObject({ name: "promo", status: "approved" });
    expect(
      (await admin("keyword:create", "--client", clientId, "--keyword", "ALI")).json,
    ).toMatchObject({ keyword: "ALI" });
  });

  it("issues, rotates and revokes keys, printing the key once", async () => {
    const created = await admin(
      "key:create",
      "--client",
      clientId,
      "--scopes",
      "send_sms,read_messages",
      "--ips",
      "10.0.0.0/8,2001:db8::/32",
    );
    expect(created.json.key).toMatch(/^tk_live_[0-9A-Za-z]{43,}$/);
    keyId = created.json.id;

    const rotated = await admin("key:rotate", "--key-id", keyId, "--grace-hours", "2");
    expect(rotated.json.key).toMatch(/^tk_live_/);
    expect(rotated.json.previousKeyId).toBe(keyId);

    const revoked = await admin("key:revoke", "--key-id", rotated.json.id);
    expect(revoked.json.revokedAt).toBeTruthy();

    const handle = database();
    const rows = await handle.db.execute(
      sql`SELECT key_hash FROM api_keys WHERE client_id = ${clientId}`,
    );
    await handle.close();
    for (const row of rows as unknown as { key_hash: string }[]) {
      expect(row.key_hash).toMatch(/^[0-9a-f]{64}$/);
      expect(row.key_hash).not.toBe(created.json.key);
    }
  });

  it("creates console users with a hashed password", async () => {
    const user = await admin(
      "user:create",
      "--email",
      "Ops@Kedai.my",
      "--password",
      "correct horse battery",
      "--role",
      "operator",
      "--client",
      clientId,
    );
    expect(user.json).toMatchObject({ email: "ops@kedai.my", role: "operator", clientId });
    const staff = await admin(
      "user:create",
      "--email",
      "fin@teekrr.my",
      "--password",
      "correct horse battery",
      "--role",
      "staff_finance",
    );
    expect(staff.json.clientId).toBeNull();
  });

  it("verifies the ledger and fails on a mismatch", async () => {
    expect(await admin("ledger:verify")).toMatchObject({ code: 0, json: { ok: true } });

    const handle = database();
    await handle.db.execute(
      sql`UPDATE clients SET credit_balance = credit_balance + 1 WHERE id = ${clientId}`,
    );
    await handle.close();
    const broken = await admin("ledger:verify", "--client", clientId);
    expect(broken.code).toBe(1);
    expect(broken.json.mismatches[0]).toMatchObject({ clientId, field: "credit_balance" });
  });

  it("refuses bad arguments with a clear message, a non-zero exit and a JSON error", async () => {
    await expectRefusals([
      [
        ["client:create", "--name", "X", "--billing", "monthly"],
        /--billing must be prepaid or postpaid/,
      ],
      [["client:create", "--name", "X", "--billing", "postpaid"], /spending cap/],
      [["credit:topup", "--client", "not-a-uuid", "--amount", "10"], /--client must be a UUID/],
      [["credit:topup", "--client", clientId, "--amount", "12.50"], /whole number of sen/],
      [["key:create", "--client", clientId, "--scopes", "send_fax"], /unknown scope: send_fax/],
      [
        ["key:create", "--client", clientId, "--scopes", "send_sms", "--ips", "300.1.1.1"],
        /Not an IP address/,
      ],
      [
        ["key:create", "--client", clientId, "--scopes", "send_sms", "--ip", "10.0.0.0/8"],
        /unknown flag: --ip \(known: --client, --scopes, --name, --ips, --expires, --test\)/,
      ],
      [
        ["key:create", "--client", clientId, "--scopes", "send_sms", "--expires", "2020-01-01"],
        /--expires must be in the future/,
      ],
      [["key:create", "--client", clientId, "--scopes", "send_sms", "--test", "yes"], /no value/],
      [["rates:set", "--client", clientId, "--sms", "5", "--sms", "6"], /more than once/],
      [["rates:set", "--client", clientId], /at least one/],
      [["ledger:verify", "--client", randomUUID()], /no client with id [0-9a-f-]{36}/],
      [
        [
          "user:create",
          "--email",
          "bad",
          "--password",
          "correct horse battery",
          "--role",
          "staff_admin",
        ],
        /Invalid email address/,
      ],
      [["no:such"], /unknown command: no:such/],
    ]);
  });

  it("reports a taken name as a conflict without printing the query", async () => {
    await expectRefusals([
      [
        [
          "user:create",
          "--email",
          "OPS@kedai.my",
          "--password",
          "correct horse battery",
          "--role",
          "staff_admin",
        ],
        /A user with this email already exists/,
      ],
      [
        [
          "template:create",
          "--client",
          clientId,
          "--channel",
          "sms",
          "--name",
          "promo",
          "--content",
          "Hi",
        ],
        /sms template named promo exists/,
      ],
      [["keyword:create", "--client", clientId, "--keyword", "ALI"], /Keyword ALI exists/],
    ]);
  });
});

/** Each command fails with its message on stderr and as `{"error"}` on stdout's last line. */
async function expectRefusals(cases: [string[], RegExp][]): Promise<void> {
  for (const [args, message] of cases) {
    const result = await admin(...args);

    const label = args.join(" ");
    expect(result.code, label).not.toBe(0);
    expect(result.stderr, label).toMatch(message);
    expect(result.json?.error, label).toMatch(message);
    // A database error's statement and parameters (a password hash, for one) stay unprinted.
    expect(result.stdout + result.stderr, label).not.toMatch(/Failed query|params:|scrypt/);
  }
}

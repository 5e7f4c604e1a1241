import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
} from "./harness.ts";
import {
  anonymousCaller,
  type ConsoleCaller,
  callerWithToken,
  outcomeOf,
  signedInAs,
} from "./trpc-helpers.ts";

let platform: TestPlatform;
let clientA: TestClient;
let clientB: TestClient;
let ownerA: { caller: ConsoleCaller; userId: string };
let ownerB: ConsoleCaller;
const initialPassword = "first day password";

beforeAll(async () => {
  platform = await startTestPlatform({
    WEBHOOK_ALLOW_HTTP: "true",
    WEBHOOK_ALLOW_LOOPBACK: "true",
  });
  clientA = await createTestClient(platform.db);
  clientB = await createTestClient(platform.db);
  ownerA = await signedInAs(platform.runtime.platform, "owner", clientA.clientId);
  ownerB = (await signedInAs(platform.runtime.platform, "owner", clientB.clientId)).caller;
});
afterAll(async () => {
  await platform?.close();
});

async function auditOf(targetId: string) {
  return (await platform.db.execute(
    sql`SELECT action, actor, client_id, before, after FROM audit_log
      WHERE target_id = ${targetId} ORDER BY id`,
  )) as unknown as {
    action: string;
    actor: string;
    client_id: string | null;
    before: unknown;
    after: unknown;
  }[];
}

describe("an owner managing its client's users", () => {
  it("adds an operator who signs in, then disables and re-enables them", async () => {
    const created = await ownerA.caller.users.create({
      email: "Siti@Kedai.example.my",
      role: "operator",
      password: initialPassword,
    });
    const session = await anonymousCaller(platform.runtime.platform).auth.signIn({
      email: "siti@kedai.example.my",
      password: initialPassword,
    });
    const siti = callerWithToken(platform.runtime.platform, session.token);
    const listed = await ownerA.caller.users.list();

    const disabled = await ownerA.caller.users.disable({ userId: created.id });
    const sessionAfterDisable = await outcomeOf(() => siti.auth.me());
    const signInWhileDisabled = await outcomeOf(() =>
      anonymousCaller(platform.runtime.platform).auth.signIn({
        email: "siti@kedai.example.my",
        password: initialPassword,
      }),
    );
    const enabled = await ownerA.caller.users.enable({ userId: created.id });
    const signInAgain = await outcomeOf(() =>
      anonymousCaller(platform.runtime.platform).auth.signIn({
        email: "siti@kedai.example.my",
        password: initialPassword,
      }),
    );

    expect(created).toMatchObject({ email: "siti@kedai.example.my", role: "operator" });
    expect(listed.roles).toEqual(["owner", "operator", "developer", "finance"]);
    expect(listed.users.map((user) => user.email)).toContain("siti@kedai.example.my");
    expect(disabled.state).toBe("disabled");
    expect(sessionAfterDisable).toBe("UNAUTHORIZED");
    expect(signInWhileDisabled).toBe("UNAUTHORIZED");
    expect(enabled.state).toBe("active");
    expect(signInAgain).toBe("OK");
    const audit = await auditOf(created.id);
    expect(audit.map((entry) => entry.action)).toEqual([
      "user.create",
      "session.sign_in",
      "user.disable",
      "user.enable",
      "session.sign_in",
    ]);
    expect(audit[0]).toMatchObject({ client_id: clientA.clientId });
    expect(JSON.stringify(audit)).not.toContain(initialPassword);
  });

  it("refuses a staff role, a taken email, a short password and disabling oneself", async () => {
    await ownerA.caller.users.create({
      email: "taken@kedai.example.my",
      role: "finance",
      password: initialPassword,
    });

    const outcomes = {
      staffRole: await outcomeOf(() =>
        ownerA.caller.users.create({
          email: "boss@kedai.example.my",
          role: "staff_admin",
          password: initialPassword,
        }),
      ),
      taken: await outcomeOf(() =>
        ownerB.users.create({
          email: "TAKEN@kedai.example.my",
          role: "operator",
          password: initialPassword,
        }),
      ),
      shortPassword: await outcomeOf(() =>
        ownerA.caller.users.create({
          email: "short@kedai.example.my",
          role: "operator",
          password: "short",
        }),
      ),
      self: await outcomeOf(() => ownerA.caller.users.disable({ userId: ownerA.userId })),
    };

    expect(outcomes).toEqual({
      staffRole: "BAD_REQUEST",
      taken: "CONFLICT",
      shortPassword: "BAD_REQUEST",
      self: "CONFLICT",
    });
  });

  it("cannot see or disable another client's users", async () => {
    const other = await ownerB.users.create({
      email: "ben@bengkel.example.my",
      role: "developer",
      password: initialPassword,
    });

    const listA = await ownerA.caller.users.list();
    const disableForeign = await outcomeOf(() => ownerA.caller.users.disable({ userId: other.id }));

    expect(listA.users.map((user) => user.email)).not.toContain("ben@bengkel.example.my");
    expect(disableForeign).toBe("NOT_FOUND");
  });
});

describe("a staff admin managing staff", () => {
  it("adds staff finance, sees only staff, and cannot disable a client's user", async () => {
    const admin = await signedInAs(platform.runtime.platform, "staff_admin", null);
    const created = await admin.caller.users.create({
      email: "farah@teekrr.example.my",
      role: "staff_finance",
      password: initialPassword,
    });

    const listed = await admin.caller.users.list();
    const clientRole = await outcomeOf(() =>
      admin.caller.users.create({
        email: "op@teekrr.example.my",
        role: "operator",
        password: initialPassword,
      }),
    );
    const clientUser = await outcomeOf(() => admin.caller.users.disable({ userId: ownerA.userId }));

    expect(created).toMatchObject({ role: "staff_finance", state: "active" });
    expect(listed.roles).toEqual(["staff_admin", "staff_finance"]);
    expect(listed.users.every((user) => user.role.startsWith("staff_"))).toBe(true);
    expect(clientRole).toBe("BAD_REQUEST");
    expect(clientUser).toBe("NOT_FOUND");
    expect((await auditOf(created.id))[0]).toMatchObject({
      action: "user.create",
      client_id: null,
    });
  });
});

describe("webhook endpoints and keywords from the console", () => {
  it("edits an endpoint's url, events and state, each audited", async () => {
    const created = await ownerA.caller.webhooks.create({ url: "http://127.0.0.1:9/hooks" });

    const updated = await ownerA.caller.webhooks.update({
      endpointId: created.id,
      url: "http://127.0.0.1:9/v2/hooks",
      events: ["delivered", "read"],
      active: false,
    });
    const reenabled = await ownerA.caller.webhooks.update({ endpointId: created.id, active: true });
    const badUrl = await outcomeOf(() =>
      ownerA.caller.webhooks.update({ endpointId: created.id, url: "ftp://example.com" }),
    );
    const foreign = await outcomeOf(() =>
      ownerB.webhooks.update({ endpointId: created.id, active: false }),
    );

    expect(updated).toMatchObject({
      url: "http://127.0.0.1:9/v2/hooks",
      events: ["delivered", "read"],
      active: false,
      disabledReason: "disabled by client",
    });
    expect(reenabled).toMatchObject({ active: true, disabledReason: null });
    expect(badUrl).toBe("BAD_REQUEST");
    expect(foreign).toBe("NOT_FOUND");
    expect((await auditOf(created.id)).map((entry) => entry.action)).toEqual([
      "webhook_endpoint.create",
      "webhook_endpoint.update",
      "webhook_endpoint.update",
    ]);
  });

  it("rotates a secret with a grace window and shows the new one only in that answer", async () => {
    const created = await ownerA.caller.webhooks.create({ url: "http://127.0.0.1:9/rotate" });
    const before = Date.now();

    const rotated = await ownerA.caller.webhooks.rotateSecret({
      endpointId: created.id,
      graceHours: 2,
    });
    const listed = await ownerA.caller.webhooks.list({});
    const foreign = await outcomeOf(() => ownerB.webhooks.rotateSecret({ endpointId: created.id }));

    expect(rotated.secret).toMatch(/^tkwh_/);
    expect(rotated.standardWebhooksSecret).toMatch(/^whsec_/);
    expect(rotated.secret).not.toBe(created.secret);
    const graceEnd = Date.parse(rotated.previousSecretExpiresAt ?? "");
    expect(graceEnd - before).toBeGreaterThan(1.9 * 3600_000);
    expect(graceEnd - before).toBeLessThan(2.1 * 3600_000);
    expect(JSON.stringify(listed)).not.toContain(rotated.secret);
    expect(foreign).toBe("NOT_FOUND");
    expect(JSON.stringify(await auditOf(created.id))).not.toContain(rotated.secret);
  });

  it("registers a keyword that waits for approval", async () => {
    const created = await ownerA.caller.content.createKeyword({ keyword: "KEDAI" });

    const keywords = await ownerA.caller.content.keywords({});

    expect(created.status).toBe("pending");
    expect(keywords).toEqual([expect.objectContaining({ keyword: "KEDAI", status: "pending" })]);
  });
});

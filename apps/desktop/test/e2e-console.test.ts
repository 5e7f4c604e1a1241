import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { cliActor } from "../../api/src/domain/audit.ts";
import { setEmailSender } from "../../api/src/domain/email/senders.ts";
import { addManualSuppression } from "../../api/src/domain/email/suppressions.ts";
import { createEmailTemplate } from "../../api/src/domain/email/templates.ts";
import { createSecretBox } from "../../api/src/domain/encryption.ts";
import { createKeyword, createTemplate } from "../../api/src/domain/templates.ts";
import { createUser, type UserRole } from "../../api/src/domain/users.ts";
import { configureWhatsApp } from "../../api/src/domain/whatsapp/config.ts";
import { createWhatsAppTemplate } from "../../api/src/domain/whatsapp/templates.ts";
import {
  createTestClient,
  startTestPlatform,
  type TestClient,
  type TestPlatform,
} from "../../api/test/harness.ts";
import { serveConsole } from "./serve-console.ts";

const chromiumPath = "/usr/bin/chromium";
const hasChromium = existsSync(chromiumPath);
if (!hasChromium) {
  console.warn(
    `console e2e tests skipped: ${chromiumPath} is not installed (apt-get install chromium)`,
  );
}

const here = dirname(fileURLToPath(import.meta.url));
const desktopRoot = resolve(here, "..");
// The README's screenshots are refreshed on request; other runs keep theirs out of the tree.
const screenshots = process.env.UPDATE_SCREENSHOTS
  ? resolve(here, "../../../docs/screenshots")
  : mkdtempSync(join(tmpdir(), "teekrr-screens-"));
const password = "console e2e password";

let platform: TestPlatform;
let consoleServer: { url: string; close(): Promise<void> };
let browser: Browser;
let clientA: TestClient;
let clientB: TestClient;

async function userFor(role: UserRole, clientId: string | null): Promise<string> {
  const email = `${role}-${Math.random().toString(36).slice(2, 8)}@example.my`;
  await createUser(platform.db, cliActor, { email, password, role, clientId });
  return email;
}

async function signIn(email: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1360, height: 860 } });
  page.on("pageerror", (error) => console.error("page error:", error.message));
  await page.goto(consoleServer.url);
  await page.getByTestId("email").fill(email);
  await page.getByTestId("password").fill(password);
  await page.getByTestId("sign-in").click();
  await page.getByTestId("sign-out").waitFor();
  return page;
}

async function snap(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(screenshots, `${name}.png`), fullPage: true });
}

/** Kedai Aina's own WhatsApp number, two approved templates, an email template and sender. */
async function prepareWhatsAppAndEmail(clientId: string): Promise<void> {
  await configureWhatsApp(platform.db, createSecretBox(platform.config.ENCRYPTION_KEY), cliActor, {
    clientId,
    phoneNumberId: "106540352242922",
    accessToken: "EAAG-console-e2e",
    appSecret: "console-e2e-app-secret",
    verifyToken: "console-e2e-verify",
  });
  await createWhatsAppTemplate(platform.db, cliActor, {
    clientId,
    name: "order_ready",
    language: "en_US",
    category: "UTILITY",
    status: "approved",
    components: [
      { type: "HEADER", format: "TEXT", text: "Order {{1}}" },
      { type: "BODY", text: "Hi {{1}}, your order {{2}} is ready for pickup at Kedai Aina." },
      { type: "FOOTER", text: "Reply STOP to opt out" },
    ],
  });
  await createWhatsAppTemplate(platform.db, cliActor, {
    clientId,
    name: "raya_banner",
    language: "ms",
    category: "MARKETING",
    status: "approved",
    components: [
      { type: "HEADER", format: "IMAGE" },
      { type: "BODY", text: "Salam {{first_name}}! Raya deals are in store." },
    ],
  });
  await createEmailTemplate(platform.db, cliActor, {
    clientId,
    name: "monthly news",
    subject: "Kedai Aina news for {name}",
    html: "<p>Hi {name}, here is what is new this month.</p>",
    text: "Hi {name}, here is what is new this month.",
    status: "approved",
  });
  await setEmailSender(platform.db, cliActor, {
    clientId,
    fromAddress: "news@kedai-aina.example.my",
    displayName: "Kedai Aina",
  });
  await addManualSuppression(platform.db, cliActor, clientId, "left@example.my");
}

describe.skipIf(!hasChromium)("the web console in headless Chromium", () => {
  beforeAll(async () => {
    const build = spawnSync(
      process.execPath,
      [
        resolve(desktopRoot, "../../node_modules/vite/bin/vite.js"),
        "build",
        "--config",
        "vite.console.config.ts",
        "--logLevel",
        "error",
      ],
      { cwd: desktopRoot, encoding: "utf8" },
    );
    if (build.status !== 0) throw new Error(`console build failed: ${build.stderr}`);
    mkdirSync(screenshots, { recursive: true });

    // Webhook endpoints on loopback are accepted so a developer can register one here.
    platform = await startTestPlatform({
      WEBHOOK_ALLOW_HTTP: "true",
      WEBHOOK_ALLOW_LOOPBACK: "true",
    });
    clientA = await createTestClient(platform.db, { name: "Kedai Aina", credit: 50_000 });
    clientB = await createTestClient(platform.db, { name: "Bengkel Ben", credit: 50_000 });
    for (const [name, content, status] of [
      ["welcome", "Hi {name}, welcome to Kedai Aina. Reply STOP to opt out.", "approved"],
      ["weekly deals", "This week at Kedai Aina: 20% off rice and oil.", "pending"],
    ] as const) {
      await createTemplate(platform.db, cliActor, {
        clientId: clientA.clientId,
        channel: "sms",
        name,
        content,
        status,
      });
    }
    await createKeyword(platform.db, cliActor, clientA.clientId, "AINA");
    await prepareWhatsAppAndEmail(clientA.clientId);
    consoleServer = await serveConsole(resolve(desktopRoot, "out/console"), platform.url);
    browser = await chromium.launch({
      executablePath: chromiumPath,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await consoleServer?.close();
    await platform?.close();
  });

  it("an operator imports a CSV, sees the cost, sends, and sees it delivered", async () => {
    const page = await signIn(await userFor("operator", clientA.clientId));
    const csv =
      "name,mobile\nAina,012-345 6789\nBen,0129999981\nBad,12345\nAina twice,+60123456789\n";

    await page.getByTestId("campaign").fill("Hari Raya promo");
    await page.getByTestId("content").fill("Hi {name}, Hari Raya deals at Kedai Aina");
    await page.getByTestId("csv-file").setInputFiles({
      name: "recipients.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await page.getByTestId("address-column").selectOption({ label: "mobile" });
    await expect.poll(() => page.getByTestId("cost").textContent()).toContain("RM0.10");
    const report = await page.getByTestId("recipient-report").textContent();
    const preview = await page.getByTestId("sms-preview").textContent();
    await snap(page, "compose");
    await page.getByTestId("send").click();
    await page.getByTestId("sent").waitFor();

    expect(report).toContain("Row 3");
    expect(report).toContain("Row 4");
    expect(preview).toBe("RM0.00 Hi Aina, Hari Raya deals at Kedai Aina");

    await page.getByTestId("nav-broadcasts").click();
    await page.getByText("Hari Raya promo").click();
    await expect
      .poll(() => page.getByTestId("count-delivered").textContent(), { timeout: 30_000 })
      .toContain("2");
    await page.getByTestId("broadcast-chart").waitFor();
    await page.getByText("+60123456789").click();
    await page.locator(".timeline li").nth(3).waitFor();
    await snap(page, "broadcast-detail");
    await page.getByText("← Broadcasts").click();
    await page.getByTestId("broadcast-table").waitFor();
    await snap(page, "broadcasts");
    await page.close();
  });

  it("an operator sends a WhatsApp template with values from CSV columns", async () => {
    const page = await signIn(await userFor("operator", clientA.clientId));
    const csv = "phone,name,order\n60123450101,Aina,A-101\n60123450102,Ben,B-102\nbad,X,X-1\n";

    await page.getByTestId("channel").selectOption("whatsapp");
    await page.getByTestId("campaign").fill("Pickup reminders");
    await page.getByTestId("wa-template").selectOption("order_ready");
    await page.getByTestId("csv-file").setInputFiles({
      name: "orders.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await page.getByTestId("wa-source-header.1").selectOption("order");
    await page.getByTestId("wa-source-body.1").selectOption("name");
    await page.getByTestId("wa-source-body.2").selectOption("order");
    await expect.poll(() => page.getByTestId("cost").textContent()).toContain("RM0.40");
    const previews = await page.getByTestId("wa-previews").textContent();
    const report = await page.getByTestId("recipient-report").textContent();
    await page.getByTestId("wa-test-phone").fill("60123450109");
    await page.getByTestId("wa-test-send").click();
    await page.getByTestId("wa-test-sent").waitFor();
    await snap(page, "compose-whatsapp");
    await page.getByTestId("send").click();
    await page.getByTestId("sent").waitFor();

    expect(previews).toContain("Hi Aina, your order A-101 is ready for pickup at Kedai Aina.");
    expect(previews).toContain("Hi Ben, your order B-102 is ready");
    expect(report).toContain("Row 3");
    expect(await page.getByTestId("sent").textContent()).toContain("Queued 2 messages");
    await page.getByTestId("nav-broadcasts").click();
    // The list refreshes itself: its progress reaches 2/2 with no reload.
    await expect
      .poll(() => page.getByRole("row", { name: /Pickup reminders/ }).textContent(), {
        timeout: 30_000,
      })
      .toContain("2/2");
    await page.getByText("Pickup reminders").click();
    await expect
      .poll(() => page.getByTestId("count-delivered").textContent(), { timeout: 30_000 })
      .toContain("2");
    await page.close();
  });

  it("an operator sends an email, with suppressed recipients reported", async () => {
    const page = await signIn(await userFor("operator", clientA.clientId));
    const csv = "email,name\naina@example.my,Aina\nleft@example.my,Left\nnot-an-email,X\n";

    await page.getByTestId("channel").selectOption("email");
    await page.getByTestId("campaign").fill("March newsletter");
    await page.getByTestId("email-template").selectOption("monthly news");
    await page.getByTestId("csv-file").setInputFiles({
      name: "subscribers.csv",
      mimeType: "text/csv",
      buffer: Buffer.from(csv),
    });
    await expect.poll(() => page.getByTestId("cost").textContent()).toContain("RM0.01");
    const previews = await page.getByTestId("email-previews").textContent();
    const report = await page.getByTestId("recipient-report").textContent();
    await snap(page, "compose-email");
    await page.getByTestId("send").click();
    await page.getByTestId("sent").waitFor();

    expect(await page.getByTestId("email-subject").inputValue()).toBe("Kedai Aina news for {name}");
    expect(previews).toContain("Kedai Aina news for Aina");
    expect(previews).not.toContain("left@example.my");
    expect(report).toContain("1 suppressed");
    expect(report).toContain("Row 3");
    expect(await page.getByTestId("sent").textContent()).toContain("1 suppressed skipped");
    await page.close();
  });

  it("an owner adds a user who can then sign in", async () => {
    const page = await signIn(await userFor("owner", clientA.clientId));
    await page.getByTestId("nav-users").click();

    await page.getByTestId("user-email").fill("nurul@kedai-aina.example.my");
    await page.getByTestId("user-role").selectOption("developer");
    await page.getByTestId("user-password").fill(password);
    await page.getByTestId("add-user").click();
    await page.getByTestId("user-nurul@kedai-aina.example.my").waitFor();
    await snap(page, "users");
    await page.close();
    const added = await signIn("nurul@kedai-aina.example.my");

    expect(await added.locator(".who-role").textContent()).toContain("developer");
    await added.close();
  });

  it("a developer creates, rotates and revokes a key", async () => {
    const page = await signIn(await userFor("developer", clientA.clientId));
    await page.getByTestId("nav-api").click();

    await page.getByTestId("key-name").fill("CRM sync");
    await page.getByTestId("create-key").click();
    const created = await page.getByTestId("new-key").textContent();
    const row = page.getByTestId("key-CRM sync").filter({ hasText: "active" });
    await row.getByText("Rotate").click();
    await expect.poll(() => page.getByTestId("new-key").textContent()).not.toBe(created);
    const rotated = await page.getByTestId("new-key").textContent();
    await page.getByTestId("endpoint-url").fill("http://127.0.0.1:9/teekrr-hooks");
    await page.getByTestId("add-endpoint").click();
    const firstSecret = await page.getByTestId("webhook-secret").textContent();
    await page.getByText("http://127.0.0.1:9/teekrr-hooks").click();
    await page.getByTestId("event-read").check();
    await page.getByTestId("save-endpoint").click();
    await expect
      .poll(() => page.getByTestId("endpoint-http://127.0.0.1:9/teekrr-hooks").textContent())
      .toContain("read");
    await page.getByTestId("grace-hours").fill("6");
    await page.getByTestId("rotate-secret").click();
    await expect.poll(() => page.getByTestId("webhook-secret").textContent()).not.toBe(firstSecret);
    const secondSecret = await page.getByTestId("webhook-secret").textContent();
    await snap(page, "api-management");
    await page
      .getByTestId("key-CRM sync")
      .filter({ hasText: "active" })
      .first()
      .getByText("Revoke")
      .click();
    await expect
      .poll(() => page.getByTestId("key-CRM sync").filter({ hasText: "revoked" }).count())
      .toBe(1);

    expect(created).toMatch(/^tk_live_/);
    expect(rotated).toMatch(/^tk_live_/);
    expect(firstSecret).toMatch(/^tkwh_/);
    expect(secondSecret).toMatch(/^tkwh_/);
    expect(await page.getByText("The previous secret also signs until").count()).toBeGreaterThan(0);
    await page.close();
  });

  it("staff finance tops up a client and sees the ledger entry", async () => {
    const page = await signIn(await userFor("staff_finance", null));
    await page.getByTestId("nav-finance").click();
    await page.getByTestId("client-picker").selectOption({ label: "Bengkel Ben" });
    await page.getByTestId("balance").waitFor();

    await page.getByTestId("amount").fill("25.50");
    await page.getByTestId("reason").fill("Bank transfer 0042");
    await page.getByTestId("top-up").click();

    await expect.poll(() => page.getByTestId("balance").textContent()).toContain("RM525.50");
    await expect
      .poll(() => page.getByTestId("ledger-table").textContent())
      .toContain("Bank transfer 0042");
    await snap(page, "finance");
    await page.getByTestId("nav-audit").click();
    await expect
      .poll(() => page.getByTestId("audit-table").textContent())
      .toContain("credit.top_up");
    await page.getByTestId("client-picker").selectOption({ label: "Kedai Aina" });
    await expect
      .poll(() => page.getByTestId("audit-table").textContent())
      .toContain("template.create");
    await snap(page, "audit-log");
    await page.getByTestId("nav-templates").click();
    await page.getByText("weekly deals").waitFor();
    await snap(page, "templates");
    await page.close();
  });

  it("an operator of one client cannot see another client's broadcasts", async () => {
    const page = await signIn(await userFor("operator", clientB.clientId));
    await page.getByTestId("nav-broadcasts").click();

    await page.getByText("No broadcasts yet").waitFor();

    expect(await page.content()).not.toContain("Hari Raya promo");
    await page.close();
  });
});

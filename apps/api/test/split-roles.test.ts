import type { Database } from "@teekrr/db";
import { sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type Runtime, startRuntime } from "../src/boot/runtime.ts";
import { type Config, configFor } from "../src/env.ts";
import { createLogger } from "../src/logger.ts";
import { createEmailClient, emailBody, suppressionsOf } from "./email-helpers.ts";
import { api, createTestDatabase, testSettings, waitFor } from "./harness.ts";
import { historyOf, waitForStatuses } from "./message-helpers.ts";
import { createWhatsAppClient } from "./whatsapp-helpers.ts";

/** The API and the workers as separate processes would run them, on one database. */
let apiRuntime: Runtime;
let workerRuntime: Runtime;
let apiConfig: Config;
let url: string;
let db: Database;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  apiConfig = configFor({ ...testSettings, ROLE: "api" });
  apiRuntime = await startRuntime(apiConfig, createLogger(apiConfig), databaseUrl);
  url = apiRuntime.url as string;
  db = apiRuntime.platform.database.db;
  const workerConfig = configFor({ ...testSettings, ROLE: "worker", PUBLIC_URL: url });
  workerRuntime = await startRuntime(workerConfig, createLogger(workerConfig), databaseUrl);
});
afterAll(async () => {
  await apiRuntime?.close();
  await workerRuntime?.close();
});

describe("ROLE=api and ROLE=worker in separate processes", () => {
  it("runs the simulators only where each role needs them", () => {
    expect(apiRuntime.simulators).toBeNull();
    expect(workerRuntime.app).toBeNull();
    expect(workerRuntime.simulators?.sns).toBeDefined();
  });

  it("applies the SNS simulator's bounce, posted from the worker to the API", async () => {
    const client = await createEmailClient(db);
    const address = "bounce+split@example.com";

    const response = await api(url, "POST", "/email", {
      key: client.key,
      body: emailBody([address]),
    });

    expect(response.status).toBe(202);
    const [message] = await waitForStatuses(db, response.body.data.broadcastUuid, {
      [address]: "bounced",
    });
    expect(await historyOf(db, message?.id as string)).toEqual(["enqueued", "send", "bounced"]);
    expect(await suppressionsOf(db, client.clientId)).toEqual([
      { address, reason: "bounce", message_id: message?.id },
    ]);
  });

  it("accepts a WhatsApp test send on the API and applies its statuses", async () => {
    for (const test of [false, true]) {
      const client = await createWhatsAppClient(db, apiConfig, { test });

      const response = await api(url, "POST", "/whatsapp/test", {
        key: client.key,
        body: { templateName: "appointment", to: "+60123458881" },
      });

      expect(response.status).toBe(200);
      expect(response.body.data.providerMessageId).toMatch(/^wamid\./);
      const id = response.body.data.messageUuid as string;
      await waitFor(
        async () => {
          const rows = (await db.execute(
            sql`SELECT status FROM messages WHERE id = ${id}`,
          )) as unknown as { status: string }[];
          return rows[0]?.status === "read";
        },
        20_000,
        "read",
      );
      expect(await historyOf(db, id)).toEqual(["sent", "delivered", "read"]);
    }
  });
});

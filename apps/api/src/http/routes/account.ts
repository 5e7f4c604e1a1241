import { pageOf, pageQuery } from "@teekrr/shared";
import type { FastifyInstance } from "fastify";
import { loadClient } from "../../domain/api-keys.ts";
import { balanceOf } from "../../domain/balance.ts";
import { ratesOf } from "../../domain/clients.ts";
import { listUsage } from "../../domain/usage.ts";
import type { Platform } from "../../platform.ts";
import { authenticate } from "../authenticate.ts";
import { defineRoute } from "../openapi/registry.ts";
import { balanceView, ratesView, usageItem } from "../openapi/responses.ts";
import { parseInput } from "../validation.ts";

const tags = ["Account"];

export function registerAccountRoutes(app: FastifyInstance, platform: Platform): void {
  const { db } = platform.database;

  defineRoute(
    app,
    {
      method: "GET",
      path: "/balance",
      summary: "Get the credit balance",
      description: "Amounts in sen. Sandbox (`tk_test_`) traffic never changes them.",
      tags,
      scopes: ["read_billing"],
      success: { status: 200, description: "The balance", data: balanceView },
      errors: [401, 403],
    },
    async (request) => {
      const key = await authenticate(platform, request, ["read_billing"]);
      return { data: await balanceOf(db, key.clientId) };
    },
  );

  defineRoute(
    app,
    {
      method: "GET",
      path: "/rates",
      summary: "Get the client's rates",
      description: "In sen: SMS per segment, WhatsApp and email per message.",
      tags,
      scopes: ["read_billing"],
      success: { status: 200, description: "The rates", data: ratesView },
      errors: [401, 403],
    },
    async (request) => {
      const key = await authenticate(platform, request, ["read_billing"]);
      return { data: ratesOf(await loadClient(db, key.clientId)) };
    },
  );

  defineRoute(
    app,
    {
      method: "GET",
      path: "/usage",
      summary: "List API calls",
      description: "Every authenticated call of the client, newest first; written within a second.",
      tags,
      scopes: ["read_billing"],
      query: pageQuery,
      success: { status: 200, description: "A page of calls", data: pageOf(usageItem) },
      errors: [400, 401, 403],
    },
    async (request) => {
      const key = await authenticate(platform, request, ["read_billing"]);
      const query = parseInput(pageQuery, request.query);
      return { data: await listUsage(db, key.clientId, query) };
    },
  );
}

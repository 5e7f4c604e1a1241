import {
  createSuppressionBody,
  deleteSuppressionQuery,
  listSuppressionsQuery,
  pageOf,
  suppressionView,
} from "@teekrr/shared";
import type { FastifyInstance } from "fastify";
import {
  addManualSuppression,
  listSuppressions,
  removeSuppression,
} from "../../domain/email/suppressions.ts";
import type { Platform } from "../../platform.ts";
import { keyActor } from "../actor.ts";
import { authenticate } from "../authenticate.ts";
import { defineRoute } from "../openapi/registry.ts";
import { parseInput } from "../validation.ts";

const tags = ["Suppressions"];
const scopes = ["manage_suppressions" as const];

export function registerSuppressionRoutes(app: FastifyInstance, platform: Platform): void {
  const { db, transaction } = platform.database;

  defineRoute(
    app,
    {
      method: "GET",
      path: "/suppressions",
      summary: "List suppressed email addresses",
      description: "In address order; pass `nextCursor` back as `cursor` for the next page.",
      tags,
      scopes,
      query: listSuppressionsQuery,
      success: { status: 200, description: "One page", data: pageOf(suppressionView) },
      errors: [400],
    },
    async (request) => {
      const key = await authenticate(platform, request, scopes);
      const query = parseInput(listSuppressionsQuery, request.query);

      return { data: await listSuppressions(db, key.clientId, query) };
    },
  );

  defineRoute(
    app,
    {
      method: "POST",
      path: "/suppressions",
      summary: "Suppress an email address",
      description: "201 when added; 200 with the existing entry when already suppressed.",
      tags,
      scopes,
      body: createSuppressionBody,
      success: {
        status: 201,
        otherStatuses: [200],
        description: "The suppression",
        data: suppressionView,
      },
      errors: [400],
    },
    async (request, reply) => {
      const key = await authenticate(platform, request, scopes);
      const body = parseInput(createSuppressionBody, request.body);

      const result = await transaction(({ tx }) =>
        addManualSuppression(tx, keyActor(key), key.clientId, body.email),
      );
      return reply.status(result.created ? 201 : 200).send({ data: result.suppression });
    },
  );

  defineRoute(
    app,
    {
      method: "DELETE",
      path: "/suppressions",
      summary: "Stop suppressing an email address",
      tags,
      scopes,
      query: deleteSuppressionQuery,
      success: { status: 200, description: "The removed suppression", data: suppressionView },
      errors: [400, 404],
    },
    async (request) => {
      const key = await authenticate(platform, request, scopes);
      const query = parseInput(deleteSuppressionQuery, request.query);

      const removed = await transaction(({ tx }) =>
        removeSuppression(tx, keyActor(key), key.clientId, query.email),
      );
      return { data: removed };
    },
  );
}

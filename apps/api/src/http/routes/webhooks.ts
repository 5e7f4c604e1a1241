import {
  createdWebhookEndpoint,
  createWebhookEndpointBody,
  pageOf,
  pageQuery,
  rotateWebhookSecretBody,
  testWebhookBody,
  updateWebhookEndpointBody,
  webhookDeliveryView,
  webhookEndpointView,
} from "@teekrr/shared";
import type { FastifyInstance, FastifyRequest } from "fastify";
import { z } from "zod";
import {
  listWebhookDeliveries,
  retryWebhookDelivery,
  sendTestWebhook,
} from "../../domain/webhooks/deliveries.ts";
import {
  createWebhookEndpoint,
  deleteWebhookEndpoint,
  listWebhookEndpoints,
  rotateWebhookSecret,
  updateWebhookEndpoint,
} from "../../domain/webhooks/endpoints.ts";
import { webhookUrlPolicy } from "../../domain/webhooks/url-policy.ts";
import type { Platform } from "../../platform.ts";
import { keyActor } from "../actor.ts";
import { authenticate } from "../authenticate.ts";
import { defineRoute } from "../openapi/registry.ts";
import { parseInput } from "../validation.ts";

const endpointParams = z.object({ id: z.string().describe("The webhook endpoint's id") });
const deliveryParams = z.object({ id: z.string().describe("The webhook delivery's id") });
const tags = ["Webhooks"];
const scopes = ["manage_webhooks" as const];
const common = [400, 404];

function idOf(request: FastifyRequest): string {
  return (request.params as { id: string }).id;
}

export function registerWebhookRoutes(app: FastifyInstance, platform: Platform): void {
  const { db, transaction } = platform.database;
  const policy = webhookUrlPolicy(platform.config);

  defineRoute(
    app,
    {
      method: "GET",
      path: "/webhook-endpoints",
      summary: "List webhook endpoints",
      tags,
      scopes,
      success: {
        status: 200,
        description: "The client's endpoints",
        data: z.array(webhookEndpointView),
      },
      errors: [],
    },
    async (request) => {
      const key = await authenticate(platform, request, scopes);
      return { data: await listWebhookEndpoints(db, key.clientId) };
    },
  );

  defineRoute(
    app,
    {
      method: "POST",
      path: "/webhook-endpoints",
      summary: "Register a webhook endpoint",
      description:
        "The response carries the endpoint's secret, which is shown this once. " +
        "`standardWebhooksSecret` is the same key in the form Standard Webhooks libraries take.",
      tags,
      scopes,
      body: createWebhookEndpointBody,
      success: {
        status: 201,
        description: "The endpoint and its secret",
        data: createdWebhookEndpoint,
      },
      errors: [400, 409],
    },
    async (request, reply) => {
      const key = await authenticate(platform, request, scopes);
      const body = parseInput(createWebhookEndpointBody, request.body);

      const created = await transaction(({ tx }) =>
        createWebhookEndpoint(tx, policy, keyActor(key), key.clientId, body),
      );
      return reply.status(201).send({ data: created });
    },
  );

  defineRoute(
    app,
    {
      method: "PATCH",
      path: "/webhook-endpoints/:id",
      summary: "Change a webhook endpoint",
      description: "Setting `active` to true re-enables an endpoint that was disabled.",
      tags,
      scopes,
      params: endpointParams,
      body: updateWebhookEndpointBody,
      success: { status: 200, description: "The endpoint", data: webhookEndpointView },
      errors: common,
    },
    async (request) => {
      const key = await authenticate(platform, request, scopes);
      const body = parseInput(updateWebhookEndpointBody, request.body);

      const updated = await transaction(({ tx }) =>
        updateWebhookEndpoint(tx, policy, keyActor(key), key.clientId, idOf(request), body),
      );
      return { data: updated };
    },
  );

  defineRoute(
    app,
    {
      method: "DELETE",
      path: "/webhook-endpoints/:id",
      summary: "Delete a webhook endpoint",
      tags,
      scopes,
      params: endpointParams,
      success: {
        status: 200,
        description: "Deleted",
        data: z.object({ deleted: z.literal(true) }),
      },
      errors: [404],
    },
    async (request) => {
      const key = await authenticate(platform, request, scopes);
      await transaction(({ tx }) =>
        deleteWebhookEndpoint(tx, keyActor(key), key.clientId, idOf(request)),
      );
      return { data: { deleted: true as const } };
    },
  );

  defineRoute(
    app,
    {
      method: "POST",
      path: "/webhook-endpoints/:id/rotate-secret",
      summary: "Rotate an endpoint's secret",
      description:
        "Issues a new secret. Until `previousSecretExpiresAt` (default 24 hours) every " +
        "delivery is signed with both: `webhook-signature` and `X-Teekrr-Signature` carry " +
        "one signature per secret, newest first (comma-separated in `X-Teekrr-Signature`).",
      tags,
      scopes,
      params: endpointParams,
      body: rotateWebhookSecretBody,
      success: {
        status: 200,
        description: "The endpoint and its new secret",
        data: createdWebhookEndpoint,
      },
      errors: common,
    },
    async (request) => {
      const key = await authenticate(platform, request, scopes);
      const body = parseInput(rotateWebhookSecretBody, request.body);

      const rotated = await transaction(({ tx }) =>
        rotateWebhookSecret(tx, keyActor(key), key.clientId, idOf(request), body.graceHours),
      );
      return { data: rotated };
    },
  );

  defineRoute(
    app,
    {
      method: "POST",
      path: "/webhook-endpoints/:id/test",
      summary: "Send a test event",
      description: "Queues a sample event (default `delivered`) marked `livemode: false`.",
      tags,
      scopes,
      params: endpointParams,
      body: testWebhookBody,
      success: { status: 202, description: "The queued delivery", data: webhookDeliveryView },
      errors: common,
    },
    async (request, reply) => {
      const key = await authenticate(platform, request, scopes);
      const body = parseInput(testWebhookBody, request.body);

      const delivery = await transaction(({ tx }) =>
        sendTestWebhook(tx, keyActor(key), key.clientId, idOf(request), body.event),
      );
      return reply.status(202).send({ data: delivery });
    },
  );

  defineRoute(
    app,
    {
      method: "GET",
      path: "/webhook-endpoints/:id/deliveries",
      summary: "List an endpoint's deliveries",
      description: "Newest first, each with its attempt log.",
      tags,
      scopes,
      params: endpointParams,
      query: pageQuery,
      success: {
        status: 200,
        description: "A page of deliveries",
        data: pageOf(webhookDeliveryView),
      },
      errors: common,
    },
    async (request) => {
      const key = await authenticate(platform, request, scopes);
      const query = parseInput(pageQuery, request.query);
      return { data: await listWebhookDeliveries(db, key.clientId, idOf(request), query) };
    },
  );

  defineRoute(
    app,
    {
      method: "POST",
      path: "/webhook-deliveries/:id/retry",
      summary: "Send a delivery again",
      description: "Re-sends now with the same body and `webhook-id`.",
      tags,
      scopes,
      params: deliveryParams,
      success: { status: 202, description: "The delivery", data: webhookDeliveryView },
      errors: [404],
    },
    async (request, reply) => {
      const key = await authenticate(platform, request, scopes);
      const delivery = await transaction(({ tx }) =>
        retryWebhookDelivery(tx, keyActor(key), key.clientId, idOf(request)),
      );
      return reply.status(202).send({ data: delivery });
    },
  );
}

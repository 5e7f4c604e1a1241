import { webhookEventBodies } from "@teekrr/shared";
import { z } from "zod";
import type { RouteDoc } from "./registry.ts";
import { errorEnvelope } from "./responses.ts";

type JsonSchema = Record<string, unknown>;

const errorDescriptions: Record<number, string> = {
  400: "Validation failed; `errors` names each field",
  401: "Missing, unknown, revoked or expired API key",
  402: "Insufficient credit or spending cap exceeded",
  403: "Missing scope, IP not allowed, or channel not subscribed",
  404: "Not found (another client's objects are not found either)",
  409: "Conflict, such as an Idempotency-Key reused with a different body",
  413: "Request body is too large",
  415: "Content-Type must be application/json",
  422: "Unprocessable, such as a template that is not approved",
  429: "Too many requests; see Retry-After",
  500: "Unexpected error",
  503: "Service unavailable",
};

function jsonSchemaOf(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const { $schema: _, ...rest } = z.toJSONSchema(schema, {
    io,
    unrepresentable: "any",
    target: "draft-2020-12",
  }) as JsonSchema;
  return rest;
}

function openApiPath(path: string): string {
  return path.replace(/:([A-Za-z0-9_]+)/g, "{$1}");
}

function operationId(route: RouteDoc): string {
  const words = `${route.method.toLowerCase()} ${route.path}`
    .replace(/[:/{}-]+/g, " ")
    .trim()
    .split(/\s+/);
  return words
    .map((word, index) => (index === 0 ? word : word[0]?.toUpperCase() + word.slice(1)))
    .join("");
}

function parametersOf(route: RouteDoc): JsonSchema[] {
  const parameters: JsonSchema[] = [];
  for (const [name, schema] of Object.entries(route.params?.shape ?? {})) {
    parameters.push({
      name,
      in: "path",
      required: true,
      schema: jsonSchemaOf(schema as z.ZodType, "input"),
    });
  }
  for (const [name, schema] of Object.entries(route.query?.shape ?? {})) {
    const field = schema as z.ZodType;
    parameters.push({
      name,
      in: "query",
      required: !field.safeParse(undefined).success,
      schema: jsonSchemaOf(field, "input"),
    });
  }
  for (const header of route.headers ?? []) {
    parameters.push({
      name: header.name,
      in: "header",
      required: header.required ?? false,
      description: header.description,
      schema: { type: "string", maxLength: 255 },
    });
  }
  return parameters;
}

/**
 * Every error status a route can answer. The router refuses a path parameter that is not
 * valid percent-encoding (400) or longer than any id (404) before the route is known.
 * Fastify reads a request's body before any handler runs, so every method that can carry
 * one (all but GET) meets the body limit (413) and, under the server's JSON parser, a
 * wrong content type (415) and a body that is empty or not JSON (400), even where the
 * route itself takes no body.
 */
export function errorStatusesOf(route: RouteDoc): number[] {
  const statuses = new Set([...route.errors, 500]);
  if (route.params) {
    statuses.add(400);
    statuses.add(404);
  }
  if (route.method !== "GET") {
    statuses.add(413);
    if (!route.rawBody) {
      statuses.add(400);
      statuses.add(415);
    }
  }
  if (route.scopes) {
    statuses.add(401);
    statuses.add(403);
  }
  return [...statuses].sort((a, b) => a - b);
}

function successResponse(route: RouteDoc): JsonSchema {
  const { success } = route;
  if (success.contentType) {
    const types = [success.contentType].flat();
    const content = Object.fromEntries(types.map((type) => [type, { schema: {} }]));
    return { description: success.description, content };
  }
  const data = success.data ? jsonSchemaOf(success.data, "output") : {};
  return {
    description: success.description,
    content: {
      "application/json": {
        schema: { type: "object", required: ["data"], properties: { data } },
      },
    },
  };
}

function operationOf(route: RouteDoc): JsonSchema {
  const responses: Record<string, unknown> = {};
  for (const status of [route.success.status, ...(route.success.otherStatuses ?? [])]) {
    responses[String(status)] = successResponse(route);
  }
  for (const status of errorStatusesOf(route)) {
    responses[String(status)] = { $ref: `#/components/responses/Error${status}` };
  }
  const scopeNote = route.scopes
    ? `\n\nScope: ${route.scopes.map((s) => `\`${s}\``).join(" or ")}.`
    : "";
  return {
    operationId: operationId(route),
    summary: route.summary,
    description: `${route.description ?? route.summary}${scopeNote}`,
    tags: route.tags,
    security: route.scopes ? [{ apiKey: [] }] : [],
    ...(route.scopes ? { "x-scopes": route.scopes } : {}),
    parameters: parametersOf(route),
    ...(route.body
      ? {
          requestBody: {
            required: true,
            content: { "application/json": { schema: jsonSchemaOf(route.body, "input") } },
          },
        }
      : {}),
    responses,
  };
}

const webhookHeaders = [
  ["X-Teekrr-Event", "The event name"],
  [
    "X-Teekrr-Signature",
    "Lowercase hex HMAC-SHA256 of the raw body, keyed with the lowercase hex SHA-256 of the " +
      "secret; during a secret rotation, one per live secret, comma-separated, newest first",
  ],
  ["webhook-id", "The delivery's id; the same on every retry, so receivers can de-duplicate"],
  ["webhook-timestamp", "Seconds since the Unix epoch when this attempt was signed"],
  [
    "webhook-signature",
    "Standard Webhooks: space-separated `v1,<base64>` HMACs of `id.timestamp.body`, " +
      "one per live secret",
  ],
] as const;

function webhooksOf(): JsonSchema {
  const webhooks: JsonSchema = {};
  for (const [event, schema] of Object.entries(webhookEventBodies)) {
    webhooks[event] = {
      post: {
        summary: `The \`${event}\` event`,
        tags: ["Webhook events"],
        parameters: webhookHeaders.map(([name, description]) => ({
          name,
          in: "header",
          required: true,
          description,
          schema: { type: "string" },
        })),
        requestBody: {
          required: true,
          content: { "application/json": { schema: jsonSchemaOf(schema, "output") } },
        },
        responses: {
          "200": { description: "Any 2xx within 10 seconds acknowledges the delivery" },
        },
      },
    };
  }
  return webhooks;
}

/** The OpenAPI 3.1 document of every documented route and every webhook event. */
export function buildOpenApiDocument(routes: RouteDoc[], serverUrl?: string): JsonSchema {
  const paths: Record<string, Record<string, unknown>> = {};
  const sorted = [...routes].sort((a, b) => a.path.localeCompare(b.path));
  for (const route of sorted) {
    const path = openApiPath(route.path);
    paths[path] ??= {};
    (paths[path] as Record<string, unknown>)[route.method.toLowerCase()] = operationOf(route);
  }

  const errorStatuses = [...new Set(routes.flatMap(errorStatusesOf))].sort((a, b) => a - b);
  const responses: Record<string, unknown> = {};
  for (const status of errorStatuses) {
    responses[`Error${status}`] = {
      description: errorDescriptions[status] ?? "Error",
      content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
    };
  }

  return {
    openapi: "3.1.0",
    info: {
      title: "Teekrr API",
      version: "1.0.0",
      description:
        "SMS, WhatsApp and email broadcasts with signed webhooks. Every success is " +
        "`{ data }`; every error is `{ message }`, with `errors` on validation failures.",
    },
    ...(serverUrl ? { servers: [{ url: serverUrl }] } : {}),
    paths,
    webhooks: webhooksOf(),
    components: {
      securitySchemes: {
        apiKey: {
          type: "http",
          scheme: "bearer",
          description: "An API key: `tk_live_...`, or `tk_test_...` for the sandbox",
        },
      },
      schemas: { Error: jsonSchemaOf(errorEnvelope, "output") },
      responses,
    },
  };
}

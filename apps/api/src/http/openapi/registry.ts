import type { FastifyInstance, FastifyReply, FastifyRequest, HTTPMethods } from "fastify";
import type { z } from "zod";
import type { ApiScope } from "../../domain/api-keys.ts";

/**
 * What the OpenAPI document says about one route. Routes declare it next to their
 * handler, with the same zod schemas that validate their input, so the document cannot
 * drift from what the server accepts.
 */
export interface RouteDoc {
  method: "GET" | "POST" | "PATCH" | "PUT" | "DELETE";
  /** Fastify's form, `/broadcasts/:uuid`; the document turns it into `{uuid}`. */
  path: string;
  summary: string;
  description?: string;
  tags: string[];
  /** Any one of these scopes is enough; absent for routes without an API key. */
  scopes?: ApiScope[];
  /** How a caller proves who it is when not with an API key. */
  auth?: "none" | "provider";
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /**
   * The route reads the raw body of any content type itself, as signed provider callbacks
   * do, instead of the server's JSON parser; its own 400s are then in `errors`.
   */
  rawBody?: true;
  /** Request headers the route reads, such as `Idempotency-Key`. */
  headers?: { name: string; description: string; required?: boolean }[];
  success: {
    status: number;
    /** Further success statuses with the same body, such as 200 for an existing entry. */
    otherStatuses?: number[];
    description: string;
    /** The schema of `data` in the `{ data }` envelope. */
    data?: z.ZodType;
    /** A body that is not the JSON envelope, such as an HTML page: its media types. */
    contentType?: string | readonly string[];
  };
  /**
   * Error statuses this route answers, each with the error envelope. The document adds
   * those every route of its kind answers: 400 and 404 when the path has parameters, 400,
   * 413 and 415 when the method can carry a body, 401 and 403 when it takes an API key,
   * and 500.
   */
  errors: number[];
}

const registries = new WeakMap<FastifyInstance, RouteDoc[]>();

/** Records a route's documentation without registering a handler. */
export function documentRoute(app: FastifyInstance, doc: RouteDoc): void {
  const list = registries.get(app) ?? [];
  list.push(doc);
  registries.set(app, list);
}

export function documentedRoutes(app: FastifyInstance): RouteDoc[] {
  return registries.get(app) ?? [];
}

type Handler = (request: FastifyRequest, reply: FastifyReply) => Promise<unknown>;

/** Registers a route and its documentation in one declaration. */
export function defineRoute(app: FastifyInstance, doc: RouteDoc, handler: Handler): void {
  documentRoute(app, doc);
  app.route({ method: doc.method as HTTPMethods, url: doc.path, handler });
}

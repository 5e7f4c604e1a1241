import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect } from "vitest";

type Document = Record<string, any>;

/** What a test received: the status, the headers and the body (parsed when JSON). */
export interface ReceivedResponse {
  status: number;
  headers: Headers;
  body: unknown;
}

interface DocumentedPath {
  template: string;
  pattern: RegExp;
  /** Literal paths win over templated ones, as in the router: `/broadcasts/validate`. */
  parameters: number;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
}

function documentedPathsOf(document: Document): DocumentedPath[] {
  return Object.keys(document.paths ?? {})
    .map((template) => {
      const source = template
        .split(/(\{[^}]+\})/)
        .map((part) => (part.startsWith("{") ? "[^/]+" : escapeRegExp(part)))
        .join("");
      return {
        template,
        pattern: new RegExp(`^${source}$`),
        parameters: (template.match(/\{/g) ?? []).length,
      };
    })
    .sort((a, b) => a.parameters - b.parameters);
}

function mediaTypeOf(response: ReceivedResponse): string | null {
  const header = response.headers.get("content-type");
  return header ? (header.split(";")[0]?.trim().toLowerCase() ?? null) : null;
}

function isJson(mediaType: string): boolean {
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

/**
 * Checks API responses against the server's own OpenAPI document, so a test fails when
 * the document and the behaviour part ways. A request the document has no operation for
 * must be answered the router's 404 in the error envelope.
 */
export function createConformance(document: Document) {
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);
  const paths = documentedPathsOf(document);
  const validators = new Map<string, ValidateFunction>();

  function resolve(node: Document): Document {
    let resolved = node;
    while (typeof resolved?.$ref === "string" && resolved.$ref.startsWith("#/")) {
      resolved = resolved.$ref
        .slice(2)
        .split("/")
        .reduce((parent: Document, key: string) => parent?.[key], document);
    }
    return resolved;
  }

  function validatorFor(key: string, schema: Document): ValidateFunction {
    let validate = validators.get(key);
    if (!validate) {
      validate = ajv.compile(resolve(schema));
      validators.set(key, validate);
    }
    return validate;
  }

  function bodyProblem(key: string, schema: Document, body: unknown): string | null {
    const validate = validatorFor(key, schema);
    return validate(body) ? null : ajv.errorsText(validate.errors);
  }

  /** The documented path a request's path falls under, for one method. */
  function templateFor(method: string, path: string): string | null {
    const bare = path.split("?")[0] ?? path;
    const verb = method.toLowerCase();
    const match = paths.find(
      (candidate) => candidate.pattern.test(bare) && document.paths[candidate.template][verb],
    );
    return match?.template ?? null;
  }

  /** Why a response does not conform to the document, or null when it does. */
  function problemOf(method: string, path: string, response: ReceivedResponse): string | null {
    const template = templateFor(method, path);
    if (!template) {
      if (response.status !== 404) return "the document has no such operation";
      const error = document.components.schemas.Error;
      return bodyProblem("unrouted 404", error, response.body);
    }
    const operation = document.paths[template][method.toLowerCase()];
    const documented = operation.responses[String(response.status)];
    if (!documented) return `${method} ${template} does not document status ${response.status}`;
    const content = resolve(documented).content as Record<string, Document> | undefined;
    const mediaType = mediaTypeOf(response);
    if (!content) {
      return response.body === null ? null : "the document describes no body for this status";
    }
    const media = mediaType ? content[mediaType] : undefined;
    if (!mediaType || !media) {
      return `answered ${mediaType ?? "no Content-Type"}; documented ${Object.keys(content)}`;
    }
    if (!isJson(mediaType)) return null;
    const key = `${method} ${template} ${response.status} ${mediaType}`;
    return bodyProblem(key, media.schema ?? {}, response.body);
  }

  return {
    document,
    templateFor,
    problemOf,
    /** Fails the running test when a response does not conform. */
    check(method: string, path: string, response: ReceivedResponse): void {
      const problem = problemOf(method, path, response);
      expect(problem, `${method} ${path} ${response.status}: ${problem}`).toBeNull();
    },
  };
}

export type Conformance = ReturnType<typeof createConformance>;

export async function loadConformance(baseUrl: string): Promise<Conformance> {
  const response = await fetch(`${baseUrl}/openapi.json`);
  if (!response.ok) throw new Error(`GET ${baseUrl}/openapi.json answered ${response.status}`);
  return createConformance((await response.json()) as Document);
}

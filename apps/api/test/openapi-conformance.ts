import { Ajv2020 } from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import { type ApiResponse, api } from "./harness.ts";

type Document = Record<string, any>;

/**
 * Checks API responses against the server's own OpenAPI document, so a test fails when
 * the document and the behaviour part ways.
 */
export async function loadConformance(baseUrl: string) {
  const document = (await api(baseUrl, "GET", "/openapi.json")).body as Document;
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  (addFormats as unknown as (ajv: Ajv2020) => void)(ajv);

  function schemaFor(method: string, path: string, status: number): Document {
    const operation = document.paths?.[path]?.[method.toLowerCase()];
    if (!operation) throw new Error(`${method} ${path} is not in the document`);
    let response = operation.responses[String(status)];
    if (!response) throw new Error(`${method} ${path} does not document status ${status}`);
    if (response.$ref) response = document.components.responses[response.$ref.split("/").pop()];
    let schema = response.content["application/json"].schema;
    if (schema.$ref) schema = document.components.schemas[schema.$ref.split("/").pop()];
    return schema;
  }

  return {
    document,
    /** Asserts that a response's status is documented and its body matches the schema. */
    check(method: string, path: string, response: ApiResponse): void {
      const validate = ajv.compile(schemaFor(method, path, response.status));
      const valid = validate(response.body);
      expect(
        valid,
        `${method} ${path} ${response.status}: ${ajv.errorsText(validate.errors)}`,
      ).toBe(true);
    },
  };
}

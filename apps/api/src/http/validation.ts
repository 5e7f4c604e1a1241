import { AppError, type FieldError } from "@teekrr/shared";
import type { z } from "zod";

/** Dotted path with numeric indices, as the contract's `errors[].field` wants. */
function fieldOf(path: PropertyKey[]): string {
  return path.length === 0 ? "body" : path.map(String).join(".");
}

/**
 * Finds strings holding U+0000. JSON allows the character but Postgres text cannot store
 * it, so letting one through turned a bad request into a failed insert and a 500.
 */
function nulCharacters(value: unknown, path: PropertyKey[], found: FieldError[]): void {
  if (found.length >= 100) return;
  if (typeof value === "string") {
    if (value.includes("\u0000")) {
      found.push({ field: fieldOf(path), message: "Text must not contain NUL characters" });
    }
  } else if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) nulCharacters(item, [...path, index], found);
  } else if (value !== null && typeof value === "object") {
    for (const [key, item] of Object.entries(value)) nulCharacters(item, [...path, key], found);
  }
}

/** Validates input with a shared schema, turning every issue into a field error. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
): z.output<Schema> {
  const result = schema.safeParse(input ?? {});
  if (result.success) {
    const unstorable: FieldError[] = [];
    nulCharacters(result.data, [], unstorable);
    if (unstorable.length > 0) throw new AppError("validation_failed", undefined, unstorable);
    return result.data;
  }
  const errors: FieldError[] = result.error.issues.slice(0, 100).map((issue) => ({
    field: fieldOf(issue.path),
    message: issue.message,
  }));
  throw new AppError("validation_failed", undefined, errors);
}

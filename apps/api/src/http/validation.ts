import { AppError, type FieldError } from "@teekrr/shared";
import type { z } from "zod";

/** Dotted path with numeric indices, as the contract's `errors[].field` wants. */
function fieldOf(path: PropertyKey[]): string {
  return path.length === 0 ? "body" : path.map(String).join(".");
}

/** Validates input with a shared schema, turning every issue into a field error. */
export function parseInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
): z.output<Schema> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const errors: FieldError[] = result.error.issues.slice(0, 100).map((issue) => ({
    field: fieldOf(issue.path),
    message: issue.message,
  }));
  throw new AppError("validation_failed", undefined, errors);
}

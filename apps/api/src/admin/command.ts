import type { Database } from "@teekrr/db";
import { AppError } from "@teekrr/shared";

export type Flags = Record<string, string | boolean | undefined>;

export interface CommandContext {
  db: Database;
  flags: Flags;
}

export interface AdminCommand {
  name: string;
  usage: string;
  /** Returns the JSON object printed as the command's last line. */
  run(context: CommandContext): Promise<unknown>;
}

/** A bad argument: the CLI prints it and exits non-zero. */
export class UsageError extends Error {}

export function requireFlag(flags: Flags, name: string): string {
  const value = flags[name];
  if (typeof value !== "string" || value.trim() === "") {
    throw new UsageError(`--${name} is required`);
  }
  return value.trim();
}

export function optionalFlag(flags: Flags, name: string): string | undefined {
  const value = flags[name];
  if (value === undefined) return undefined;
  if (typeof value !== "string" || value.trim() === "")
    throw new UsageError(`--${name} needs a value`);
  return value.trim();
}

/** Whole sen: digits only, so "12.50" or "1e3" are refused rather than guessed at. */
export function senFlag(flags: Flags, name: string, required: true): number;
export function senFlag(flags: Flags, name: string, required?: false): number | undefined;
export function senFlag(flags: Flags, name: string, required = false): number | undefined {
  const value = required ? requireFlag(flags, name) : optionalFlag(flags, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,15}$/.test(value)) throw new UsageError(`--${name} must be a whole number of sen`);
  return Number(value);
}

export function listFlag(flags: Flags, name: string): string[] | undefined {
  const value = optionalFlag(flags, name);
  return value
    ?.split(",")
    .map((item) => item.trim())
    .filter(Boolean);
}

export function uuidFlag(flags: Flags, name: string): string {
  const value = requireFlag(flags, name);
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value)) {
    throw new UsageError(`--${name} must be a UUID`);
  }
  return value;
}

export function describeError(error: unknown): string {
  if (error instanceof AppError) {
    const fields = error.fieldErrors?.map((f) => `${f.field}: ${f.message}`).join("; ");
    return fields ? `${error.message} (${fields})` : error.message;
  }
  return error instanceof Error ? error.message : String(error);
}

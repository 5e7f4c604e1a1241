import type { Database } from "@teekrr/db";
import { AppError } from "@teekrr/shared";
import { DrizzleQueryError } from "drizzle-orm";

export type Flags = Record<string, string | boolean | undefined>;

export interface CommandContext {
  db: Database;
  flags: Flags;
}

export interface AdminCommand {
  name: string;
  /** Every flag the command reads, as `--name`; the CLI refuses any flag not listed here. */
  usage: string;
  /** Returns the JSON object printed as the command's last line. */
  run(context: CommandContext): Promise<unknown>;
}

/** A bad argument: the CLI prints it and exits non-zero. */
export class UsageError extends Error {}

/** The flags a command takes: each `--name` its usage mentions, in order. */
export function knownFlags(command: AdminCommand): string[] {
  return [...new Set(command.usage.match(/--[a-z][a-z0-9-]*/g) ?? [])];
}

/** A mistyped flag would otherwise be dropped silently, e.g. `--ip` leaving a key unrestricted. */
export function refuseUnknownFlags(command: AdminCommand, flags: Flags): void {
  const known = knownFlags(command);
  const unknown = Object.keys(flags)
    .map((name) => `--${name}`)
    .filter((flag) => !known.includes(flag));
  if (unknown.length > 0) {
    throw new UsageError(`unknown flag: ${unknown.join(", ")} (known: ${known.join(", ")})`);
  }
}

/** A bare switch such as `--test`; a value given to it is refused rather than read as off. */
export function switchFlag(flags: Flags, name: string): boolean {
  if (typeof flags[name] === "string") throw new UsageError(`--${name} takes no value`);
  return flags[name] === true;
}

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

/** The approval states a template can be given from the command line. */
export const templateStatuses = ["approved", "pending", "rejected"] as const;
export type TemplateStatusFlag = (typeof templateStatuses)[number];

/** `--status` of a template: `fallback` when the flag is absent, required when that is null. */
export function templateStatusFlag(
  flags: Flags,
  fallback: TemplateStatusFlag | null,
): TemplateStatusFlag {
  const status = optionalFlag(flags, "status") ?? fallback;
  if (!templateStatuses.includes(status as TemplateStatusFlag)) {
    throw new UsageError("--status must be approved, pending or rejected");
  }
  return status as TemplateStatusFlag;
}

/** What every `template:create` prints, whatever the channel. */
export function createdTemplate(template: {
  id: string;
  channel: string;
  name: string;
  status: string;
}) {
  return {
    id: template.id,
    channel: template.channel,
    name: template.name,
    status: template.status,
  };
}

/**
 * The flags among `names` (field name to flag name) that were given, each with a value,
 * under their field names; absent flags are left out rather than set to undefined.
 */
export function givenFlags<Field extends string>(
  flags: Flags,
  names: Record<Field, string>,
): Partial<Record<Field, string>> {
  const given: Partial<Record<Field, string>> = {};
  for (const [field, flag] of Object.entries(names) as [Field, string][]) {
    if (flags[flag] !== undefined) given[field] = requireFlag(flags, flag);
  }
  return given;
}

export function describeError(error: unknown): string {
  if (error instanceof AppError) {
    const fields = error.fieldErrors?.map((f) => `${f.field}: ${f.message}`).join("; ");
    return fields ? `${error.message} (${fields})` : error.message;
  }
  if (error instanceof DrizzleQueryError) {
    // Drizzle's message is the statement with its parameters, which can be a password hash
    // or a credential; the driver's error beneath it says what went wrong without them.
    return error.cause instanceof Error ? error.cause.message : "database query failed";
  }
  return error instanceof Error ? error.message : String(error);
}

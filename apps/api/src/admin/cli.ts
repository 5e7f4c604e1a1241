import { connectDatabase, runMigrations } from "@teekrr/db";
import { locateDatabase } from "../boot/database.ts";
import { loadConfig } from "../env.ts";
import { createLogger } from "../logger.ts";
import { describeError, type Flags, refuseUnknownFlags, UsageError } from "./command.ts";
import { adminCommands } from "./commands/index.ts";

/**
 * Operator command line: `npm run -s admin -- <command> --flag value`. Each command prints
 * one JSON object as its last line, so scripts can read the result with a JSON parser.
 */
function printUsage(): void {
  const lines = adminCommands.map((command) => `  ${command.name} ${command.usage}`);
  process.stderr.write(
    `usage: npm run -s admin -- <command> [flags]\n\ncommands:\n${lines.join("\n")}\n`,
  );
}

/** `--name value` pairs and bare `--switch` flags; anything else is a usage error. */
function parseFlags(args: string[]): Flags {
  // No prototype, so a flag such as `--__proto__` is an ordinary (unknown) key.
  const flags: Flags = Object.create(null);
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (!arg.startsWith("--") || arg.length === 2)
      throw new UsageError(`unexpected argument: ${arg}`);
    const [name, inline] = arg.slice(2).split(/=(.*)/s, 2) as [string, string | undefined];
    if (name in flags) throw new UsageError(`--${name} is given more than once`);
    const next = args[index + 1];
    if (inline !== undefined) flags[name] = inline;
    else if (next !== undefined && !next.startsWith("--")) {
      flags[name] = next;
      index++;
    } else flags[name] = true;
  }
  return flags;
}

/** Every failure ends with `{"error": ...}` on stdout, as a result ends with its object. */
function fail(message: string, prefix = ""): void {
  process.stderr.write(`${prefix}${message}\n`);
  process.stdout.write(`${JSON.stringify({ error: message })}\n`);
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === "help" || name === "--help") {
    printUsage();
    return 0;
  }
  const command = adminCommands.find((candidate) => candidate.name === name);
  if (!command) {
    printUsage();
    fail(name ? `unknown command: ${name}` : "no command given");
    return 2;
  }

  let flags: Flags;
  try {
    flags = parseFlags(rest);
    refuseUnknownFlags(command, flags);
  } catch (error) {
    fail(describeError(error), `${command.name}: `);
    return 2;
  }

  const config = loadConfig();
  const logger = createLogger({ ...config, LOG_LEVEL: "warn" });
  const location = await locateDatabase(config, logger);
  await runMigrations(location.url);
  const database = connectDatabase(location.url, { max: 2, applicationName: "teekrr-admin" });
  try {
    const result = await command.run({ db: database.db, flags });
    process.stdout.write(`${JSON.stringify(result)}\n`);
    const failed = command.name === "ledger:verify" && !(result as { ok: boolean }).ok;
    return failed ? 1 : 0;
  } catch (error) {
    fail(describeError(error), `${command.name}: `);
    return 1;
  } finally {
    await database.close();
    await location.stop();
  }
}

// Exit explicitly: the embedded Postgres launcher installs exit hooks that would otherwise
// replace a failing command's exit code with 0.
process.exit(await main(process.argv.slice(2)));

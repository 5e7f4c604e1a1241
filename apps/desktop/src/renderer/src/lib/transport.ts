import type { TeekrrBridge } from "../../../preload/bridge.ts";

declare global {
  interface Window {
    teekrr?: TeekrrBridge;
  }
}

/** The Electron preload's bridge, or null when the console runs as a plain web page. */
export function desktopBridge(): TeekrrBridge | null {
  return typeof window !== "undefined" && window.teekrr ? window.teekrr : null;
}

/**
 * A `fetch` that sends tRPC calls through the preload to the main process, which adds the
 * session token; the renderer never holds it.
 */
export function bridgeFetch(bridge: TeekrrBridge): typeof fetch {
  return async (input, init) => {
    const url = new URL(String(input instanceof Request ? input.url : input), "http://console");
    const answer = await bridge.request({
      path: `${url.pathname}${url.search}`,
      method: init?.method === "POST" ? "POST" : "GET",
      body: typeof init?.body === "string" ? init.body : null,
    });
    return new Response(answer.body, {
      status: answer.status,
      headers: { "content-type": "application/json" },
    });
  };
}

/** The web build's token: in memory only, gone on reload, never in storage. */
let webToken: string | null = null;

export function setWebToken(token: string | null): void {
  webToken = token;
}

export function currentWebToken(): string | null {
  return webToken;
}

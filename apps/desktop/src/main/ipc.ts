import { type IpcMainInvokeEvent, ipcMain } from "electron";
import {
  type BridgeResponse,
  forwardToApi,
  isAllowedRequest,
  signInThroughApi,
  signOutThroughApi,
} from "./api-bridge.ts";

/** Every channel the preload may invoke; nothing else is registered. */
export const ipcChannels = {
  request: "teekrr:request",
  signIn: "teekrr:sign-in",
  signOut: "teekrr:sign-out",
} as const;

/**
 * True only for the app's own renderer. A page that somehow got loaded into a frame
 * (or a window this app did not create) cannot use the bridge or the session token.
 */
export function isTrustedSender(event: IpcMainInvokeEvent, rendererUrl: string): boolean {
  const frameUrl = event.senderFrame?.url;
  if (!frameUrl) return false;
  try {
    const expected = new URL(rendererUrl);
    const actual = new URL(frameUrl);
    if (expected.protocol === "file:") return actual.href.split(/[?#]/)[0] === expected.href;
    return actual.origin === expected.origin;
  } catch {
    return false;
  }
}

const untrusted: BridgeResponse = {
  status: 403,
  body: JSON.stringify({ error: { message: "Untrusted sender" } }),
};

export function registerIpcHandlers(apiBase: string, rendererUrl: string): void {
  ipcMain.handle(ipcChannels.request, async (event, request: unknown) => {
    if (!isTrustedSender(event, rendererUrl)) return untrusted;
    if (!isAllowedRequest(request)) {
      return { status: 400, body: JSON.stringify({ error: { message: "Refused request" } }) };
    }
    return await forwardToApi(apiBase, request);
  });

  ipcMain.handle(ipcChannels.signIn, async (event, credentials: unknown) => {
    if (!isTrustedSender(event, rendererUrl)) return { ok: false, message: "Untrusted sender" };
    const { email, password } = (credentials ?? {}) as Record<string, unknown>;
    if (typeof email !== "string" || typeof password !== "string") {
      return { ok: false, message: "Email and password are required" };
    }
    return await signInThroughApi(apiBase, { email, password });
  });

  ipcMain.handle(ipcChannels.signOut, async (event) => {
    if (!isTrustedSender(event, rendererUrl)) return { ok: false, message: "Untrusted sender" };
    return await signOutThroughApi(apiBase);
  });
}

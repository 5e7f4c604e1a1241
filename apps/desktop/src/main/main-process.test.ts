import { beforeEach, describe, expect, it, vi } from "vitest";
import type { createElectronDouble } from "./electron-double.ts";

const electron = vi.hoisted(() => ({
  double: null as ReturnType<typeof createElectronDouble> | null,
}));

vi.mock("electron", async () => {
  const { createElectronDouble: create } = await import("./electron-double.ts");
  electron.double = create();
  return electron.double.module;
});

const { createMainWindow } = await import("./window.ts");
const { contentSecurityPolicy, installContentSecurityPolicy } = await import("./csp.ts");
const { ipcChannels, registerIpcHandlers } = await import("./ipc.ts");
const { rememberToken } = await import("./session-token.ts");
const { shell, session } = await import("electron");

const double = () => electron.double as ReturnType<typeof createElectronDouble>;
const rendererUrl = "file:///app/out/renderer/index.html";

beforeEach(() => {
  vi.clearAllMocks();
  rememberToken(null);
});

describe("the main window", () => {
  it("turns on isolation, the sandbox and web security, and Node off", () => {
    createMainWindow("/app/out", rendererUrl);

    const { options, loaded } = double().windows.at(-1) ?? {};
    expect(options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
      preload: "/app/out/preload/index.cjs",
    });
    expect(loaded).toBe(rendererUrl);
  });

  it("blocks navigation away from the console", () => {
    createMainWindow("/app/out", rendererUrl);
    const event = { preventDefault: vi.fn() };

    double().windows.at(-1)?.contents.emit("will-navigate", event, "https://evil.example");

    expect(event.preventDefault).toHaveBeenCalled();
  });

  it("denies new windows and opens only http(s) links in the browser", () => {
    createMainWindow("/app/out", rendererUrl);
    const contents = double().windows.at(-1)?.contents;

    const web = contents.openWindow("https://teekrr.example/docs");
    const file = contents.openWindow("file:///etc/passwd");
    const script = contents.openWindow("javascript:alert(1)");

    expect([web, file, script]).toEqual([
      { action: "deny" },
      { action: "deny" },
      { action: "deny" },
    ]);
    expect(shell.openExternal).toHaveBeenCalledTimes(1);
    expect(shell.openExternal).toHaveBeenCalledWith("https://teekrr.example/docs");
  });
});

describe("the content security policy", () => {
  it("is added to every response and allows no network or inline code", () => {
    installContentSecurityPolicy(session.defaultSession);
    const callback = vi.fn();

    double().headerListeners.at(-1)?.({ responseHeaders: { "X-Other": ["1"] } }, callback);

    const headers = callback.mock.calls[0]?.[0].responseHeaders;
    expect(headers["X-Other"]).toEqual(["1"]);
    expect(headers["Content-Security-Policy"]).toEqual([contentSecurityPolicy]);
    expect(contentSecurityPolicy).toContain("default-src 'none'");
    expect(contentSecurityPolicy).toContain("script-src 'self'");
    expect(contentSecurityPolicy).toContain("connect-src 'none'");
    expect(contentSecurityPolicy).not.toContain("unsafe");
  });
});

describe("the IPC handlers", () => {
  const fetchDouble = vi.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(
        JSON.stringify({ result: { data: { token: "tks_secret", user: { id: "u1" } } } }),
      ),
  );

  beforeEach(() => {
    vi.stubGlobal("fetch", fetchDouble);
    registerIpcHandlers("http://127.0.0.1:3000", rendererUrl);
  });

  const own = { senderFrame: { url: rendererUrl } };
  const stranger = { senderFrame: { url: "https://evil.example/" } };

  it("registers only the allow-listed channels", () => {
    expect([...double().ipcHandlers.keys()].sort()).toEqual(Object.values(ipcChannels).sort());
  });

  it("refuses every channel to a sender that is not the app's renderer", async () => {
    const handlers = double().ipcHandlers;

    const request = await handlers.get(ipcChannels.request)?.(stranger, {
      path: "/trpc/auth.me",
      method: "GET",
    });
    const signIn = await handlers.get(ipcChannels.signIn)?.(stranger, {
      email: "a",
      password: "b",
    });
    const signOut = await handlers.get(ipcChannels.signOut)?.({ senderFrame: null });

    expect(request?.status).toBe(403);
    expect(signIn).toEqual({ ok: false, message: "Untrusted sender" });
    expect(signOut).toEqual({ ok: false, message: "Untrusted sender" });
    expect(fetchDouble).not.toHaveBeenCalled();
  });

  it("keeps the token in main and adds it to the renderer's calls", async () => {
    const handlers = double().ipcHandlers;

    const signedIn = await handlers.get(ipcChannels.signIn)?.(own, {
      email: "a@b.my",
      password: "pw",
    });
    await handlers.get(ipcChannels.request)?.(own, { path: "/trpc/auth.me", method: "GET" });

    expect(signedIn).toEqual({ ok: true, user: { id: "u1" } });
    expect(JSON.stringify(signedIn)).not.toContain("tks_secret");
    const [url, init] = fetchDouble.mock.calls.at(-1) ?? [];
    expect(url).toBe("http://127.0.0.1:3000/trpc/auth.me");
    const headers = init?.headers as Record<string, string> | undefined;
    expect(headers?.authorization).toBe("Bearer tks_secret");
  });

  it("forwards only tRPC paths", async () => {
    const handlers = double().ipcHandlers;

    const outside = await handlers.get(ipcChannels.request)?.(own, {
      path: "/admin",
      method: "GET",
    });
    const otherHost = await handlers.get(ipcChannels.request)?.(own, {
      path: "//evil.example/trpc/x",
      method: "GET",
    });

    expect(outside?.status).toBe(400);
    expect(otherHost?.status).toBe(400);
    expect(fetchDouble).not.toHaveBeenCalled();
  });
});

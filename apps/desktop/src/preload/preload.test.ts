import { describe, expect, it, vi } from "vitest";

const electron = vi.hoisted(() => ({ double: null as any }));

vi.mock("electron", async () => {
  const { createElectronDouble } = await import("../main/electron-double.ts");
  electron.double = createElectronDouble();
  return electron.double.module;
});

await import("./index.ts");
const { ipcRenderer } = await import("electron");

describe("the preload bridge", () => {
  it("exposes only request, sign-in and sign-out, over the allow-listed channels", async () => {
    const bridge = electron.double.exposed.get("teekrr");

    await bridge.request({ path: "/trpc/auth.me", method: "DELETE", body: 42 });
    await bridge.signIn("a@b.my", "pw");
    await bridge.signOut();

    expect(Object.keys(bridge).sort()).toEqual(["request", "signIn", "signOut"]);
    expect(vi.mocked(ipcRenderer.invoke).mock.calls).toEqual([
      ["teekrr:request", { path: "/trpc/auth.me", method: "GET", body: null }],
      ["teekrr:sign-in", { email: "a@b.my", password: "pw" }],
      ["teekrr:sign-out"],
    ]);
  });
});

import { contextBridge, ipcRenderer } from "electron";
import type { TeekrrBridge } from "./bridge.ts";

// Channel names are repeated here rather than imported: a sandboxed preload is bundled on
// its own and must not pull main-process code in with it.
const bridge: TeekrrBridge = {
  request: (input) =>
    ipcRenderer.invoke("teekrr:request", {
      path: String(input.path),
      method: input.method === "POST" ? "POST" : "GET",
      body: typeof input.body === "string" ? input.body : null,
    }),
  signIn: (email, password) =>
    ipcRenderer.invoke("teekrr:sign-in", { email: String(email), password: String(password) }),
  signOut: () => ipcRenderer.invoke("teekrr:sign-out"),
};

contextBridge.exposeInMainWorld("teekrr", bridge);

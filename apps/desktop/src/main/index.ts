import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { app, BrowserWindow, session } from "electron";
import { apiBaseUrl } from "./config.ts";
import { installContentSecurityPolicy } from "./csp.ts";
import { registerIpcHandlers } from "./ipc.ts";
import { createMainWindow } from "./window.ts";

const outDir = join(dirname(fileURLToPath(import.meta.url)), "..");
const rendererUrl =
  process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(join(outDir, "renderer", "index.html")).href;

// One console per machine; a second launch focuses the first.
if (!app.requestSingleInstanceLock()) app.quit();

app.on("web-contents-created", (_event, contents) => {
  contents.on("will-attach-webview", (event) => event.preventDefault());
});

void app.whenReady().then(() => {
  installContentSecurityPolicy(session.defaultSession);
  registerIpcHandlers(apiBaseUrl(), rendererUrl);
  createMainWindow(outDir, rendererUrl);
  app.on("activate", () => {
    if (BrowserWindow.getAllWindows().length === 0) createMainWindow(outDir, rendererUrl);
  });
});

app.on("second-instance", () => {
  const [window] = BrowserWindow.getAllWindows();
  window?.focus();
});

app.on("window-all-closed", () => {
  if (process.platform !== "darwin") app.quit();
});

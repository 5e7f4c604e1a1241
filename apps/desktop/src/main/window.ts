import { join } from "node:path";
import { BrowserWindow, type WebPreferences } from "electron";
import { lockNavigation } from "./navigation.ts";

/** No Node in the renderer, an isolated preload, and Chromium's sandbox, all written out. */
export function secureWebPreferences(preloadPath: string): WebPreferences {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    spellcheck: false,
  };
}

export function createMainWindow(outDir: string, rendererUrl: string): BrowserWindow {
  const window = new BrowserWindow({
    width: 1360,
    height: 860,
    minWidth: 1024,
    minHeight: 640,
    show: false,
    title: "Teekrr Console",
    backgroundColor: "#f6f7f9",
    webPreferences: secureWebPreferences(join(outDir, "preload", "index.cjs")),
  });
  lockNavigation(window.webContents);
  window.once("ready-to-show", () => window.show());
  void window.loadURL(rendererUrl);
  return window;
}

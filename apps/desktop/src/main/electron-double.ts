import { vi } from "vitest";

type Listener = (...args: any[]) => any;

/** A stand-in for the parts of Electron the main process and preload touch. */
export function createElectronDouble() {
  const windows: { options: any; contents: any; loaded: string | null }[] = [];
  const ipcHandlers = new Map<string, Listener>();
  const exposed = new Map<string, unknown>();
  const headerListeners: Listener[] = [];

  function fakeContents() {
    const listeners = new Map<string, Listener>();
    let openHandler: ((details: { url: string }) => { action: string }) | null = null;
    return {
      on: vi.fn((event: string, listener: Listener) => listeners.set(event, listener)),
      setWindowOpenHandler: vi.fn((handler: typeof openHandler) => {
        openHandler = handler;
      }),
      emit: (event: string, ...args: unknown[]) => listeners.get(event)?.(...args),
      openWindow: (url: string) => openHandler?.({ url }),
    };
  }

  class BrowserWindow {
    webContents = fakeContents();
    constructor(options: unknown) {
      windows.push({ options, contents: this.webContents, loaded: null });
    }
    once = vi.fn();
    show = vi.fn();
    loadURL = vi.fn(async (url: string) => {
      const entry = windows.find((window) => window.contents === this.webContents);
      if (entry) entry.loaded = url;
    });
    static getAllWindows = () => [];
  }

  const module = {
    BrowserWindow,
    shell: { openExternal: vi.fn(async () => undefined) },
    ipcMain: {
      handle: vi.fn((channel: string, handler: Listener) => ipcHandlers.set(channel, handler)),
    },
    ipcRenderer: { invoke: vi.fn(async (...args: unknown[]) => args) },
    contextBridge: {
      exposeInMainWorld: vi.fn((name: string, api: unknown) => exposed.set(name, api)),
    },
    session: {
      defaultSession: {
        webRequest: {
          onHeadersReceived: vi.fn((listener: Listener) => headerListeners.push(listener)),
        },
      },
    },
    app: { on: vi.fn(), whenReady: vi.fn(() => new Promise(() => {})), quit: vi.fn() },
  };
  return { module, windows, ipcHandlers, exposed, headerListeners };
}

import { shell, type WebContents } from "electron";

export function isExternalWebLink(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

/**
 * The window shows the console and nothing else: it never navigates away and never opens
 * another window. Web links open in the person's browser; any other scheme is dropped.
 */
export function lockNavigation(contents: WebContents): void {
  contents.on("will-navigate", (event) => {
    event.preventDefault();
  });
  contents.setWindowOpenHandler(({ url }) => {
    if (isExternalWebLink(url)) void shell.openExternal(url);
    return { action: "deny" };
  });
}

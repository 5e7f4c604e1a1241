import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "electron-vite";

const here = dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  main: {
    build: {
      outDir: "out/main",
      rollupOptions: { input: resolve(here, "src/main/index.ts") },
    },
  },
  preload: {
    build: {
      outDir: "out/preload",
      // A sandboxed preload runs as a classic script, so it is bundled as CommonJS.
      rollupOptions: {
        input: resolve(here, "src/preload/index.ts"),
        output: { format: "cjs", entryFileNames: "index.cjs" },
      },
    },
  },
  renderer: {
    root: resolve(here, "src/renderer"),
    plugins: [react()],
    build: {
      outDir: "out/renderer",
      rollupOptions: { input: resolve(here, "src/renderer/index.html") },
    },
  },
});

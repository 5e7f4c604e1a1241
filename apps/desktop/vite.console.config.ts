import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

const here = dirname(fileURLToPath(import.meta.url));
const apiUrl = process.env.TEEKRR_API_URL ?? "http://127.0.0.1:3000";

/**
 * The renderer as a plain web page. It is served beside a proxy to the API so that its
 * calls stay same-origin, which keeps the CSP's `connect-src 'self'` and needs no CORS.
 */
export default defineConfig({
  root: resolve(here, "src/renderer"),
  base: "./",
  plugins: [react()],
  build: { outDir: resolve(here, "out/console"), emptyOutDir: true },
  preview: {
    host: "127.0.0.1",
    port: Number(process.env.CONSOLE_PORT ?? 5174),
    proxy: { "/trpc": { target: apiUrl, changeOrigin: true } },
  },
});

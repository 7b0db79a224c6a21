import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

/**
 * The Console's build: served by the `console` component under `/console/` from
 * `dist/console` (scripts/build-console.ts builds it and checks the first-load budget).
 * Paths are relative to this folder (Vite's root).
 */
export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "../dist/console",
    emptyOutDir: true,
    manifest: true,
    sourcemap: false,
    chunkSizeWarningLimit: 1000,
  },
});

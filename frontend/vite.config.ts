/// <reference types="vitest/config" />
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

// `npm run dev` proxies the API (and the alerts WebSocket) to the gateway of `make up`;
// EMS_GATEWAY points it elsewhere.
const gateway = process.env.EMS_GATEWAY ?? "http://127.0.0.1:8080";

export default defineConfig({
  plugins: [react()],
  server: {
    proxy: {
      "/api": { target: gateway, changeOrigin: true, ws: true },
    },
  },
  build: {
    // Recharts is split into its own lazily loaded chunk; the first page stays small.
    chunkSizeWarningLimit: 600,
  },
  test: {
    environment: "jsdom",
    globals: true,
    setupFiles: ["./src/test/setup.ts"],
    css: false,
  },
});

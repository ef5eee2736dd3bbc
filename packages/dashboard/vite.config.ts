import { defineConfig } from 'vite';

// Served by the Hilal server at /app/ (packages/server/src/dashboard/dashboard-plugin.ts): hashed
// files under /app/assets/ are cached for a year, index.html never.
export default defineConfig({
  base: '/app/',
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Read by scripts/check-size.mjs to find the entry chunk and what it imports.
    manifest: true,
    // Browsers of the last few years, as for chat_v3.js.
    target: ['chrome111', 'firefox114', 'safari16.4', 'edge111'],
    rolldownOptions: {
      onwarn(warning, warn) {
        // React Server Components' "use client" means nothing in a client-only bundle.
        if (warning.code === 'MODULE_LEVEL_DIRECTIVE') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run dev -w @hilal/dashboard` next to `npm start`: the API stays same-origin.
    proxy: { '/api': 'http://127.0.0.1:3000' },
  },
});

import { resolve } from 'node:path';
import { defineConfig } from 'vite';

/** The console builds into dist/console, which the api serves at `/`. */
export default defineConfig({
  root: import.meta.dirname,
  base: '/',
  build: {
    outDir: resolve(import.meta.dirname, '../../dist/console'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 6000,
    rolldownOptions: {
      // Libraries written for React Server Components mark their modules "use client"; a SPA has no server side to keep it for.
      onLog(level, log, handler) {
        if (log.code === 'MODULE_LEVEL_DIRECTIVE') return;
        handler(level, log);
      },
    },
  },
  oxc: { jsx: { runtime: 'automatic' } },
});

import { Module } from '@nestjs/common';
import { ServeStaticModule } from '@nestjs/serve-static';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { projectRoot } from '../platform/graphql/schema';
import type { ServerResponse } from 'node:http';

/**
 * The web console (apps/console), built by Vite into dist/console, served at `/` on the api's own
 * port. Every other path of the console answers its index.html, so its addresses can be shared; the
 * api's own paths are left to the api.
 */
export const CONSOLE_ROOT = join(projectRoot(__dirname), 'dist', 'console');

export function consoleIsBuilt(): boolean {
  return existsSync(join(CONSOLE_ROOT, 'index.html'));
}

/** Hashed assets never change under their name; the index must be re-read to find new ones. */
function cacheHeaders(res: ServerResponse, path: string): void {
  res.setHeader('cache-control', path.includes(`${join('console', 'assets')}`) ? 'public, max-age=31536000, immutable' : 'no-cache');
}

@Module({
  imports: [
    ServeStaticModule.forRoot({
      rootPath: CONSOLE_ROOT,
      exclude: ['/graphql{*rest}', '/health{*rest}', '/v1{*rest}'],
      serveStaticOptions: { setHeaders: cacheHeaders, index: 'index.html' },
    }),
  ],
})
export class ConsoleModule {}

/**
 * The start banner's console line. On the embedded default with its dev key, the link signs in
 * with that key: it rides in the URL fragment, which a browser never sends to a server.
 */
export function consoleBanner(baseUrl: string, config: { apiKeys: unknown; eventStoreUrl?: string | null; dataDir: string }, devKeyFile: string): string {
  if (!consoleIsBuilt()) return 'console not built: run `npm run build` to serve it at /';
  const file = join(config.dataDir, devKeyFile);
  if (config.apiKeys || config.eventStoreUrl || !existsSync(file)) return `console: ${baseUrl}/`;
  const { key } = JSON.parse(readFileSync(file, 'utf8')) as { key: string };
  return `console: ${baseUrl}/#key=${encodeURIComponent(key)}`;
}

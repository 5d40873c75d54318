import type { NestExpressApplication } from '@nestjs/platform-express';
import type { IncomingMessage } from 'node:http';
import helmet from 'helmet';
import type { LedgerConfig } from '@ledger/runtime';

/** The page's own host, for WebSocket connections (`'self'` covers ws: only in newer browsers). */
function sameHostSockets(req: IncomingMessage): string {
  const host = String(req.headers.host ?? '').replace(/[^A-Za-z0-9.:[\]-]/g, '');
  return host ? `ws://${host} wss://${host}` : '';
}

/**
 * Security headers (helmet) on every answer, with a Content-Security-Policy that lets the console
 * served at / load its own scripts, styles, images and fonts and reach the API and its WebSocket
 * on the same origin, and nothing else. CORS is off unless CORS_ORIGINS names the origins a
 * browser may call from (for a console served elsewhere).
 */
export function applyHttpEdge(app: NestExpressApplication, config: LedgerConfig): void {
  app.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: {
        useDefaults: true,
        directives: {
          defaultSrc: ["'self'"],
          scriptSrc: ["'self'"],
          styleSrc: ["'self'", "'unsafe-inline'"],
          imgSrc: ["'self'", 'data:', 'blob:'],
          fontSrc: ["'self'", 'data:'],
          workerSrc: ["'self'", 'blob:'],
          connectSrc: ["'self'", (req) => sameHostSockets(req as IncomingMessage)],
          frameAncestors: ["'none'"],
          objectSrc: ["'none'"],
          upgradeInsecureRequests: null,
        },
      },
      // The API is called cross-origin only when CORS_ORIGINS allows it; helmet's same-origin
      // resource policy would make browsers drop those answers.
      crossOriginResourcePolicy: config.corsOrigins.length ? { policy: 'cross-origin' } : { policy: 'same-origin' },
    }),
  );
  if (config.corsOrigins.length) {
    app.enableCors({
      origin: config.corsOrigins.includes('*') ? '*' : config.corsOrigins,
      methods: ['GET', 'POST', 'OPTIONS'],
      allowedHeaders: ['content-type', 'authorization', 'x-request-id'],
      exposedHeaders: ['retry-after', 'x-request-id'],
      maxAge: 600,
    });
  }
}

import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { Logger as PinoLogger } from 'nestjs-pino';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { applyHeapPolicyOnceLive, loadConfigOrExit } from '@ledger/runtime';
import { PROJECTIONS, type Projections } from '@ledger/projections';
import { consoleBanner } from './console/console.module';
import { DEV_KEY_FILE } from './platform/auth/api-keys';
import { applyHttpEdge } from './edge/http-edge';
import { OTLP_TRACES_PATH, otlpBodyErrors, otlpBodyParser } from './otlp-ingest/otlp-body';

const httpLogger = new Logger('http');

/**
 * A request body over the limit gets the contract's PAYLOAD_TOO_LARGE, in GraphQL's error shape.
 * These answers leave before the per-request logger is reached, so they are logged here.
 */
function bodyErrors(error: { type?: string; status?: number; message?: string }, req: Request, res: Response, next: NextFunction): void {
  if (error?.type === 'entity.too.large' || error?.type === 'entity.parse.failed') {
    const status = error.type === 'entity.too.large' ? 413 : 400;
    httpLogger.warn({ method: req.method, path: req.path, statusCode: status, errorCodes: [status === 413 ? 'PAYLOAD_TOO_LARGE' : 'BAD_USER_INPUT'] }, `${req.method} ${req.path} ${status}`);
  }
  if (error?.type === 'entity.too.large') {
    res.status(413).json({ errors: [{ message: 'the request body is over 4 MiB: send smaller batches', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
    return;
  }
  if (error?.type === 'entity.parse.failed') {
    res.status(400).json({ errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_USER_INPUT', fields: [] } }] });
    return;
  }
  next(error);
}

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('agent-ledger');
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    bufferLogs: true,
  });
  app.useLogger(app.get(PinoLogger));
  // No ETag on API answers: they are never cached (Cache-Control: no-store), and hashing each body
  // cost about 1 % of a list query's CPU. The console's static files keep serve-static's own.
  app.set('etag', false);
  applyHttpEdge(app, config);
  app.use(OTLP_TRACES_PATH, otlpBodyParser(config.limits.maxRequestBytes), otlpBodyErrors(config.limits.maxRequestBytes));
  app.use(express.json({ limit: config.limits.maxRequestBytes }));
  app.use(bodyErrors);
  app.enableShutdownHooks();
  await app.listen(config.port);
  const url = (await app.getUrl()).replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost');
  const logger = new Logger('AgentLedger');
  logger.log(
    `serving ${url}/graphql (event store: ${config.eventStoreUrl ? 'EventStoreDB' : 'SQLite'}, read store: ${config.mongodbUrl ? 'MongoDB' : 'in memory'})`,
  );
  logger.log(consoleBanner(url, config, DEV_KEY_FILE));
  applyHeapPolicyOnceLive(app.get<symbol, Projections>(PROJECTIONS), config.heapHeadroomMiB).then(
    (policy) => policy && logger.log(`read models live: ${config.heapHeadroomMiB} MiB of GC headroom, one full GC took ${policy.collectedMs.toFixed(0)} ms`),
    (error: unknown) => logger.warn(`HEAP_HEADROOM_MIB not applied: ${(error as Error).message}`),
  );
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`agent-ledger: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

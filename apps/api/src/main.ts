import 'reflect-metadata';
import { Logger, LogLevel } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import express, { NextFunction, Request, Response } from 'express';
import { AppModule } from './app.module';
import { loadConfigOrExit } from '@ledger/runtime';
import { OTLP_TRACES_PATH, otlpBodyErrors, otlpBodyParser } from './otlp-ingest/otlp-body';

/** A request body over the limit gets the contract's PAYLOAD_TOO_LARGE, in GraphQL's error shape. */
function bodyErrors(error: { type?: string; status?: number; message?: string }, _req: Request, res: Response, next: NextFunction): void {
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

const LEVELS: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];

/** LOG_LEVEL in the usual names; Nest calls "info" "log". */
function nestLogLevels(level: string): LogLevel[] | false {
  if (level === 'silent') return false;
  const index = LEVELS.indexOf((level === 'info' ? 'log' : level) as LogLevel);
  return LEVELS.slice(0, index + 1);
}

async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('agent-ledger');
  const app = await NestFactory.create<NestExpressApplication>(AppModule.forRoot(config), {
    bodyParser: false,
    logger: nestLogLevels(config.logLevel),
  });
  app.use(OTLP_TRACES_PATH, otlpBodyParser(config.limits.maxRequestBytes), otlpBodyErrors(config.limits.maxRequestBytes));
  app.use(express.json({ limit: config.limits.maxRequestBytes }));
  app.use(bodyErrors);
  app.enableShutdownHooks();
  await app.listen(config.port);
  const url = await app.getUrl();
  new Logger('AgentLedger').log(
    `serving ${url.replace('[::1]', 'localhost')}/graphql (event store: ${config.eventStoreUrl ? 'EventStoreDB' : 'SQLite'}, read store: ${config.mongodbUrl ? 'MongoDB' : 'in memory'})`,
  );
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`agent-ledger: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

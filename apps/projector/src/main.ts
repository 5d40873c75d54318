import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '../../api/src/platform/config/config.module';
import { loadConfigOrExit } from '../../api/src/platform/config/ledger-config';
import { StoresModule } from '../../api/src/platform/stores.module';

/**
 * The projector alone, for production scale-out: it follows the event store and keeps the
 * read models in MongoDB; api replicas serve queries and subscriptions from them.
 */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('agent-ledger projector');
  if (!config.mongodbUrl) {
    process.stderr.write('agent-ledger projector: MONGODB_URL is required (the in-memory read store lives inside the api process)\n');
    process.exit(2);
  }
  @Module({ imports: [ConfigModule.forRoot(config), StoresModule.forRoot({ runProjections: true })] })
  class ProjectorModule {}
  const app = await NestFactory.createApplicationContext(ProjectorModule);
  app.enableShutdownHooks();
  new Logger('Projector').log('projections running');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`agent-ledger projector: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

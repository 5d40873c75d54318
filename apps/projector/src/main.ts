import 'reflect-metadata';
import { Logger, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, loadConfigOrExit, StoresModule } from '@ledger/runtime';

/**
 * The projector: the one owner of the projections when the read models live in MongoDB. It
 * follows the event store and keeps the read models; api replicas serve queries and
 * subscriptions from them. Several may run: one holds the lease and works, the others wait.
 */
async function bootstrap(): Promise<void> {
  const config = loadConfigOrExit('agent-ledger projector');
  if (!config.mongodbUrl) {
    process.stderr.write('agent-ledger projector: MONGODB_URL is required (the in-memory read store lives inside the api process)\n');
    process.exit(2);
  }
  @Module({ imports: [ConfigModule.forRoot(config), StoresModule.forRoot({ role: 'projector' })] })
  class ProjectorModule {}
  const app = await NestFactory.createApplicationContext(ProjectorModule);
  app.enableShutdownHooks();
  new Logger('Projector').log('started; waiting for or holding the projector lease');
}

bootstrap().catch((error: unknown) => {
  process.stderr.write(`agent-ledger projector: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});

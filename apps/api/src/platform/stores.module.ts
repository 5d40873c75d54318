import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_STORE, EventStore, EventStoreDbEventStore, SqliteEventStore } from '@ledger/event-store';
import { MemoryReadStore, MongoReadStore, READ_STORE, ReadStore } from '@ledger/read-store';
import { Redactor } from '@ledger/redaction';
import {
  CHANGE_FEED,
  ChangeFeed,
  InProcessChangeFeed,
  MongoChangeFeed,
  ManagedAgentsProjection,
  PinsProjection,
  ProjectionEngine,
  RunsProjection,
  SessionsProjection,
  UsageProjection,
} from '@ledger/projections';
import { LEDGER_CONFIG, LedgerConfig } from './config/ledger-config';
import { REDACTOR } from '../commands/redactor.port';

export const EVENT_STORE_FILE = 'events.sqlite';

/** Chosen by configuration, once: EventStoreDB when EVENTSTORE_URL is set, else SQLite under DATA_DIR. */
async function createEventStore(config: LedgerConfig): Promise<EventStore> {
  if (config.eventStoreUrl) {
    return EventStoreDbEventStore.connect(config.eventStoreUrl, { onSkippedEvent: (line) => new Logger('EventStore').warn(line) });
  }
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore(join(config.dataDir, EVENT_STORE_FILE));
}

/** MongoDB when MONGODB_URL is set, else in memory (rebuilt from the event store at start). */
async function createReadStore(config: LedgerConfig): Promise<ReadStore> {
  if (config.mongodbUrl) return MongoReadStore.connect(config.mongodbUrl);
  return new MemoryReadStore();
}

export function createProjections(config: LedgerConfig) {
  return [
    new SessionsProjection(config.windows),
    new RunsProjection(),
    new UsageProjection(),
    new ManagedAgentsProjection(),
    new PinsProjection(),
  ];
}

/**
 * The ports bound to their adapters. Stores close last on shutdown, after the projections stop
 * and in-flight commands finish (Nest calls shutdown hooks in reverse order of creation).
 */
@Global()
@Module({})
export class StoresModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Stores');

  constructor(
    @Inject(EVENT_STORE) private readonly eventStore: EventStore,
    @Inject(READ_STORE) private readonly readStore: ReadStore,
    @Inject(CHANGE_FEED) private readonly feed: ChangeFeed,
    private readonly engine: ProjectionEngine,
  ) {}

  static forRoot(options: { runProjections: boolean }): DynamicModule {
    return {
      module: StoresModule,
      providers: [
        { provide: EVENT_STORE, useFactory: createEventStore, inject: [LEDGER_CONFIG] },
        { provide: READ_STORE, useFactory: createReadStore, inject: [LEDGER_CONFIG] },
        { provide: REDACTOR, useFactory: () => new Redactor() },
        {
          provide: CHANGE_FEED,
          // With MongoDB, a change stream on the read models reaches every replica; in memory, the process itself.
          useFactory: (readStore: ReadStore) =>
            readStore instanceof MongoReadStore
              ? new MongoChangeFeed(readStore, { onError: (error) => new Logger('ChangeFeed').warn(`change stream error, resuming: ${(error as Error).message}`) })
              : new InProcessChangeFeed(),
          inject: [READ_STORE],
        },
        {
          provide: ProjectionEngine,
          useFactory: async (config: LedgerConfig, store: EventStore, readStore: ReadStore, feed: ChangeFeed) => {
            const logger = new Logger('Projections');
            const engine = new ProjectionEngine(store, readStore, createProjections(config), feed, {
              onError: (name, error) => logger.error(`projection ${name} failed, resubscribing from its checkpoint: ${(error as Error).message}`),
            });
            if (options.runProjections) await engine.start();
            return engine;
          },
          inject: [LEDGER_CONFIG, EVENT_STORE, READ_STORE, CHANGE_FEED],
        },
      ],
      exports: [EVENT_STORE, READ_STORE, REDACTOR, CHANGE_FEED, ProjectionEngine],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.engine.stop();
    if (this.feed instanceof MongoChangeFeed) await this.feed.close();
    await this.readStore.close();
    await this.eventStore.close();
    this.logger.log('stores closed');
  }
}

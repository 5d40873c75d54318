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
  ReadModelSnapshots,
  RunsProjection,
  SessionsProjection,
  UsageProjection,
} from '@ledger/projections';
import { LEDGER_CONFIG, LedgerConfig } from './config/ledger-config';
import { REDACTOR } from '../commands/redactor.port';

export const EVENT_STORE_FILE = 'events.sqlite';
export const READ_MODEL_SNAPSHOT_FILE = 'read-models.snapshot';
/** The embedded read store's snapshots; null with MongoDB. */
export const READ_MODEL_SNAPSHOTS = Symbol('READ_MODEL_SNAPSHOTS');

/** Chosen by configuration, once: EventStoreDB when EVENTSTORE_URL is set, else SQLite under DATA_DIR. */
async function createEventStore(config: LedgerConfig): Promise<EventStore> {
  if (config.eventStoreUrl) return EventStoreDbEventStore.connect(config.eventStoreUrl);
  mkdirSync(config.dataDir, { recursive: true });
  return new SqliteEventStore(join(config.dataDir, EVENT_STORE_FILE));
}

/** In memory, loaded from the newest valid snapshot under DATA_DIR (if any) and caught up from its checkpoints. */
async function openSnapshots(config: LedgerConfig): Promise<ReadModelSnapshots | null> {
  if (config.mongodbUrl) return null;
  mkdirSync(config.dataDir, { recursive: true });
  const logger = new Logger('Snapshots');
  return ReadModelSnapshots.open(join(config.dataDir, READ_MODEL_SNAPSHOT_FILE), (line) => logger.warn(line));
}

/** MongoDB when MONGODB_URL is set, else in memory (from the snapshot, else rebuilt from the event store). */
async function createReadStore(config: LedgerConfig, snapshots: ReadModelSnapshots | null): Promise<ReadStore> {
  if (config.mongodbUrl) return MongoReadStore.connect(config.mongodbUrl);
  return snapshots?.store ?? new MemoryReadStore();
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
    private readonly engine: ProjectionEngine,
  ) {}

  static forRoot(options: { runProjections: boolean }): DynamicModule {
    return {
      module: StoresModule,
      providers: [
        { provide: EVENT_STORE, useFactory: createEventStore, inject: [LEDGER_CONFIG] },
        { provide: READ_MODEL_SNAPSHOTS, useFactory: openSnapshots, inject: [LEDGER_CONFIG] },
        { provide: READ_STORE, useFactory: createReadStore, inject: [LEDGER_CONFIG, READ_MODEL_SNAPSHOTS] },
        { provide: REDACTOR, useFactory: () => new Redactor() },
        {
          provide: CHANGE_FEED,
          // With MongoDB, a change stream on the read models reaches every replica; in memory, the process itself.
          useFactory: (readStore: ReadStore) =>
            readStore instanceof MongoReadStore
              ? new MongoChangeFeed(readStore.database(), (error) => new Logger('ChangeFeed').warn(`change stream error, resuming: ${(error as Error).message}`))
              : new InProcessChangeFeed(),
          inject: [READ_STORE],
        },
        {
          provide: ProjectionEngine,
          useFactory: async (config: LedgerConfig, store: EventStore, readStore: ReadStore, feed: ChangeFeed, snapshots: ReadModelSnapshots | null) => {
            const logger = new Logger('Projections');
            const snapshotLogger = new Logger('Snapshots');
            const engine = new ProjectionEngine(store, readStore, createProjections(config), feed, {
              onError: (name, error) => logger.error(`projection ${name} failed, resubscribing from its checkpoint: ${(error as Error).message}`),
              snapshots:
                snapshots && options.runProjections
                  ? {
                      store: snapshots,
                      everyEvents: config.snapshots.everyEvents,
                      everyMs: config.snapshots.everySeconds * 1000,
                      log: (line) => (line.includes('failed') || line.includes('rebuilding') ? snapshotLogger.warn(line) : snapshotLogger.log(line)),
                    }
                  : undefined,
            });
            if (options.runProjections) await engine.start();
            return engine;
          },
          inject: [LEDGER_CONFIG, EVENT_STORE, READ_STORE, CHANGE_FEED, READ_MODEL_SNAPSHOTS],
        },
      ],
      exports: [EVENT_STORE, READ_STORE, READ_MODEL_SNAPSHOTS, REDACTOR, CHANGE_FEED, ProjectionEngine],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.engine.stop();
    await this.readStore.close();
    await this.eventStore.close();
    this.logger.log('stores closed');
  }
}

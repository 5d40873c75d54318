import { DynamicModule, Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_STORE, EventStore, EventStoreDbEventStore, SqliteEventStore } from '@ledger/event-store';
import { MemoryReadStore, MongoReadStore, READ_STORE, ReadStore } from '@ledger/read-store';
import {
  CHANGE_FEED,
  ChangeFeed,
  createProjections,
  InProcessChangeFeed,
  MongoChangeFeed,
  ProjectionEngine,
  Projections,
  PROJECTIONS,
  Projector,
  ProjectorLease,
  ReadModelSnapshots,
  StoredProjections,
} from '@ledger/projections';
import { LEDGER_CONFIG, LedgerConfig } from './config/ledger-config';

export const EVENT_STORE_FILE = 'events.sqlite';
export const READ_MODEL_SNAPSHOT_FILE = 'read-models.snapshot';

export interface Stores {
  eventStore: EventStore;
  readStore: ReadStore;
  /** The in-memory read store's snapshots under DATA_DIR; absent with MongoDB. */
  snapshots?: ReadModelSnapshots | null;
}

/**
 * Chosen by configuration, once: EventStoreDB when EVENTSTORE_URL is set, else SQLite under
 * DATA_DIR; MongoDB when MONGODB_URL is set, else in memory, loaded from the newest valid snapshot
 * under DATA_DIR and caught up from its checkpoints (rebuilt from the event store without one).
 */
export async function connectStores(config: LedgerConfig): Promise<Stores> {
  const eventStore = config.eventStoreUrl
    ? await EventStoreDbEventStore.connect(config.eventStoreUrl, { onSkippedEvent: (line) => new Logger('EventStore').warn(line) })
    : (mkdirSync(config.dataDir, { recursive: true }), new SqliteEventStore(join(config.dataDir, EVENT_STORE_FILE)));
  if (config.mongodbUrl) return { eventStore, readStore: await MongoReadStore.connect(config.mongodbUrl), snapshots: null };
  mkdirSync(config.dataDir, { recursive: true });
  const logger = new Logger('Snapshots');
  const snapshots = await ReadModelSnapshots.open(join(config.dataDir, READ_MODEL_SNAPSHOT_FILE), (line) => logger.warn(line));
  return { eventStore, readStore: snapshots.store, snapshots };
}

/**
 * Who runs the projections. The api runs them in-process on the embedded default (the in-memory
 * read store lives in its process) and only follows them with MONGODB_URL, where apps/projector
 * is their one owner; the projector runs them while it holds the lease.
 */
export type ProcessRole = 'api' | 'projector';

export function runsProjections(role: ProcessRole, config: LedgerConfig): 'in-process' | 'follows-projector' | 'under-lease' {
  if (role === 'projector') return 'under-lease';
  return config.mongodbUrl ? 'follows-projector' : 'in-process';
}

const STORES = Symbol('STORES');
const PROJECTOR = Symbol('PROJECTOR');

export interface StoresModuleOptions {
  role: ProcessRole;
  /** How the stores are opened; the configured adapters unless a test passes its own. */
  connect?: (config: LedgerConfig) => Promise<Stores>;
}

/**
 * The ports bound to their adapters, and the projections bound to whoever runs them. Stores
 * close last on shutdown, after the projections stop and in-flight commands finish (Nest calls
 * shutdown hooks in reverse order of creation).
 */
@Global()
@Module({})
export class StoresModule implements OnApplicationShutdown {
  private readonly logger = new Logger('Stores');

  constructor(
    @Inject(STORES) private readonly stores: Stores,
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(PROJECTOR) private readonly projector: Projector | null,
    @Inject(CHANGE_FEED) private readonly feed: ChangeFeed,
  ) {}

  static forRoot(options: StoresModuleOptions): DynamicModule {
    const connect = options.connect ?? connectStores;
    return {
      module: StoresModule,
      providers: [
        { provide: STORES, useFactory: connect, inject: [LEDGER_CONFIG] },
        { provide: EVENT_STORE, useFactory: (stores: Stores) => stores.eventStore, inject: [STORES] },
        { provide: READ_STORE, useFactory: (stores: Stores) => stores.readStore, inject: [STORES] },
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
          provide: PROJECTOR,
          useFactory: async (config: LedgerConfig, stores: Stores) => {
            if (runsProjections(options.role, config) !== 'under-lease') return null;
            const logger = new Logger('Projector');
            const projector = new Projector(
              stores.readStore,
              new ProjectorLease(stores.readStore),
              (term, fence) =>
                new ProjectionEngine(stores.eventStore, stores.readStore, createProjections(config.windows), null, {
                  term,
                  fence,
                  onError: (name, error) => logger.error(`projection ${name} failed, resubscribing from its checkpoint: ${(error as Error).message}`),
                }),
              { log: (message) => logger.log(message) },
            );
            await projector.start();
            return projector;
          },
          inject: [LEDGER_CONFIG, STORES],
        },
        {
          provide: PROJECTIONS,
          useFactory: async (config: LedgerConfig, stores: Stores, feed: ChangeFeed) => {
            const projections = createProjections(config.windows);
            const runner = runsProjections(options.role, config);
            switch (runner) {
              case 'in-process': {
                const logger = new Logger('Projections');
                const snapshotLogger = new Logger('Snapshots');
                const engine = new ProjectionEngine(stores.eventStore, stores.readStore, projections, feed, {
                  onError: (name, error) => logger.error(`projection ${name} failed, resubscribing from its checkpoint: ${(error as Error).message}`),
                  snapshots: stores.snapshots
                    ? {
                        store: stores.snapshots,
                        everyEvents: config.snapshots.everyEvents,
                        everyMs: config.snapshots.everySeconds * 1000,
                        log: (line) => (line.includes('failed') || line.includes('rebuilding') ? snapshotLogger.warn(line) : snapshotLogger.log(line)),
                      }
                    : undefined,
                });
                await engine.start();
                return engine;
              }
              case 'follows-projector':
              case 'under-lease': {
                // What the projector (this one or another) has stored: the api's reads, and the projector's own status.
                const followed = new StoredProjections(stores.eventStore, stores.readStore, projections);
                await followed.start();
                return followed;
              }
              default: {
                const _never: never = runner;
                return _never;
              }
            }
          },
          inject: [LEDGER_CONFIG, STORES, CHANGE_FEED],
        },
      ],
      exports: [EVENT_STORE, READ_STORE, CHANGE_FEED, PROJECTIONS],
    };
  }

  async onApplicationShutdown(): Promise<void> {
    await this.projector?.stop();
    await this.projections.stop();
    if (this.feed instanceof MongoChangeFeed) await this.feed.close();
    await this.stores.readStore.close();
    await this.stores.eventStore.close();
    this.logger.log('stores closed');
  }
}

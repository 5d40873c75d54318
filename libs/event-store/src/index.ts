export * from './event-store.port';
export * from './errors';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';
export { hashBlob, ID_HASH_CHUNK, idHash } from './sqlite-writer';
export { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb-event-store';
export * from './command-handling/decider-command-handler';

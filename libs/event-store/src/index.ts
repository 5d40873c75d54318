export * from './event-store.port';
export * from './errors';
export { SqliteEventStore, type SqliteEventStoreOptions } from './sqlite-event-store';
export { EventStoreDbEventStore, type EventStoreDbEventStoreOptions } from './eventstoredb-event-store';
export * from './command-handling/decider-command-handler';

export * from './read-store.port';
export * from './errors';
export { MemoryReadStore, MemoryReadCollection, type ReadStoreSnapshot, type SnapshotWriteResult, type PlanStats } from './memory-read-store';
export { MongoReadStore, MongoReadCollection } from './mongo-read-store';
// The contract suite (read-store.contract.ts) uses jest globals, so it is imported by spec files
// directly and kept out of this entry point and the production build.

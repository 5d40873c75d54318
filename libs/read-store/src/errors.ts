import type { CodedError, ErrorCode } from '@ledger/domain';

/**
 * The read store's own errors. Adapters translate every client error into one of these, so no
 * driver type crosses the port. Each carries its contract `code`, by which the edge maps it: a
 * read model the store refuses is a fault of this server (INTERNAL), an unreachable store is
 * UNAVAILABLE.
 */
export class ReadStoreError extends Error implements CodedError {
  readonly code: ErrorCode = 'INTERNAL';

  constructor(
    message: string,
    /** The server's numeric error code when there was one (e.g. MongoDB's), for logs. */
    readonly serverCode?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The store cannot be reached (network, server selection, primary stepped down, client closed). */
export class ReadStoreUnavailableError extends ReadStoreError {
  override readonly code: ErrorCode = 'UNAVAILABLE';
  readonly publicMessage = 'a store is unreachable; retry with the same ids';
}

/**
 * A write would give two documents the same key in a unique index. Not raised for the guarded
 * upsert's duplicate `_id`: the port reports that one as "matched nothing, upserted nothing".
 */
export class DuplicateKeyError extends ReadStoreError {
  constructor(
    readonly collection: string,
    readonly index: string,
  ) {
    super(`duplicate key in ${collection}, index ${index}`, 11000);
  }
}

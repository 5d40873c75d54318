/**
 * The read store's own errors. Adapters translate every client error into one of these, so no
 * driver type crosses the port. Names are set to the class name because the API's error
 * formatter recognises store errors by name, without importing this library's internals.
 */
export class ReadStoreError extends Error {
  constructor(
    message: string,
    /** The server's numeric error code when there was one (e.g. MongoDB's), for logs. */
    readonly code?: number,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The store cannot be reached (network, server selection, primary stepped down, client closed). */
export class ReadStoreUnavailableError extends ReadStoreError {}

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

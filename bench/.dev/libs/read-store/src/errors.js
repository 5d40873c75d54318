"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.DuplicateKeyError = exports.ReadStoreUnavailableError = exports.ReadStoreError = void 0;
/**
 * The read store's own errors. Adapters translate every client error into one of these, so no
 * driver type crosses the port. Names are set to the class name because the API's error
 * formatter recognises store errors by name, without importing this library's internals.
 */
class ReadStoreError extends Error {
    code;
    constructor(message, 
    /** The server's numeric error code when there was one (e.g. MongoDB's), for logs. */
    code) {
        super(message);
        this.code = code;
        this.name = new.target.name;
    }
}
exports.ReadStoreError = ReadStoreError;
/** The store cannot be reached (network, server selection, primary stepped down, client closed). */
class ReadStoreUnavailableError extends ReadStoreError {
}
exports.ReadStoreUnavailableError = ReadStoreUnavailableError;
/**
 * A write would give two documents the same key in a unique index. Not raised for the guarded
 * upsert's duplicate `_id`: the port reports that one as "matched nothing, upserted nothing".
 */
class DuplicateKeyError extends ReadStoreError {
    collection;
    index;
    constructor(collection, index) {
        super(`duplicate key in ${collection}, index ${index}`, 11000);
        this.collection = collection;
        this.index = index;
    }
}
exports.DuplicateKeyError = DuplicateKeyError;
//# sourceMappingURL=errors.js.map
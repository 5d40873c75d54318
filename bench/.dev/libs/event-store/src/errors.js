"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InvalidAppendError = exports.EventStoreUnavailableError = exports.WrongExpectedRevisionError = void 0;
/**
 * The event store's own errors. Both adapters throw only these (or let a handler's own error
 * through a subscription), so nothing from a driver leaks upward. The command layer maps them:
 * `code` is the contract code they usually become; the edge recognises them by class name.
 */
/**
 * The stream was not where the append expected it, or the batch's ids are already stored at a
 * different place in the stream. Re-read the stream and decide again.
 */
class WrongExpectedRevisionError extends Error {
    streamId;
    expected;
    actual;
    storedEventIds;
    code = 'CONFLICT';
    constructor(streamId, expected, 
    /** The stream's revision when the append was refused; -1 when the stream does not exist. */
    actual, 
    /** Ids of the batch already stored elsewhere in the stream; empty for a plain revision mismatch. */
    storedEventIds = []) {
        super(storedEventIds.length === 0
            ? `stream ${streamId}: expected revision ${String(expected)}, but it is at ${actual}`
            : `stream ${streamId}: event ids ${storedEventIds.join(', ')} are already stored, but not as this batch at expected revision ${String(expected)} (stream is at ${actual})`);
        this.streamId = streamId;
        this.expected = expected;
        this.actual = actual;
        this.storedEventIds = storedEventIds;
        this.name = 'WrongExpectedRevisionError';
    }
}
exports.WrongExpectedRevisionError = WrongExpectedRevisionError;
/** The store could not be reached or refused to work (closed, locked, disk full, server down). */
class EventStoreUnavailableError extends Error {
    code = 'UNAVAILABLE';
    constructor(message, options) {
        super(message, options);
        this.name = 'EventStoreUnavailableError';
    }
}
exports.EventStoreUnavailableError = EventStoreUnavailableError;
/** The append itself is malformed (empty batch, duplicate ids, bad revision): a bug in the caller. */
class InvalidAppendError extends Error {
    code = 'BAD_USER_INPUT';
    constructor(message) {
        super(message);
        this.name = 'InvalidAppendError';
    }
}
exports.InvalidAppendError = InvalidAppendError;
//# sourceMappingURL=errors.js.map
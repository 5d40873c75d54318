import type { CodedError } from '@ledger/domain';
import type { ExpectedRevision } from './event-store.port';

/**
 * The event store's own errors. Both adapters throw only these (or let a handler's own error
 * through a subscription), so nothing from a driver leaks upward. Each carries its contract
 * `code`, by which the edge maps it.
 */

/**
 * The stream was not where the append expected it, or the batch's ids are already stored at a
 * different place in the stream. Re-read the stream and decide again.
 */
export class WrongExpectedRevisionError extends Error implements CodedError {
  readonly code = 'CONFLICT' as const;
  readonly publicMessage = 'the session changed concurrently; reload and retry';

  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    /** The stream's revision when the append was refused; -1 when the stream does not exist. */
    readonly actual: number,
    /** Ids of the batch already stored elsewhere in the stream; empty for a plain revision mismatch. */
    readonly storedEventIds: readonly string[] = [],
  ) {
    super(
      storedEventIds.length === 0
        ? `stream ${streamId}: expected revision ${String(expected)}, but it is at ${actual}`
        : `stream ${streamId}: event ids ${storedEventIds.join(', ')} are already stored, but not as this batch at expected revision ${String(expected)} (stream is at ${actual})`,
    );
    this.name = 'WrongExpectedRevisionError';
  }
}

/** The store could not be reached or refused to work (closed, locked, disk full, server down). */
export class EventStoreUnavailableError extends Error implements CodedError {
  readonly code = 'UNAVAILABLE' as const;
  readonly publicMessage = 'a store is unreachable; retry with the same ids';

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/** The append itself is malformed (empty batch, duplicate ids, bad revision): a bug in the caller. */
export class InvalidAppendError extends Error implements CodedError {
  readonly code = 'BAD_USER_INPUT' as const;
  readonly details = { fields: [] };

  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppendError';
  }
}

import {
  ANY,
  BACKWARDS,
  END,
  ErrorType,
  EventStoreDBClient,
  NO_STREAM,
  START,
  STREAM_EXISTS,
  excludeSystemEvents,
  isCommandError,
  jsonEvent,
  streamNameFilter,
  type AllStreamResolvedEvent,
  type AppendExpectedRevision,
  type CurrentRevision,
  type Position as EsdbPosition,
  type ReadPosition,
  type RecordedEvent as EsdbRecordedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { matchesPrefixes, streamPrefixesOf, validateAppend, validateLimit, validateReadStream } from './append-rules';
import { CatchUpSubscription } from './catch-up-subscription';
import { EventStoreUnavailableError, InvalidAppendError, WrongExpectedRevisionError } from './errors';
import {
  START_POSITION,
  comparePositions,
  type AppendResult,
  type EventHandler,
  type EventMetadata,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type JsonObject,
  type Position,
  type ReadAllFilter,
  type ReadAllOptions,
  type ReadStreamOptions,
  type RecordedEvent,
  type SubscribeToAllOptions,
  type Subscription,
} from './event-store.port';

export interface EventStoreDbEventStoreOptions {
  /** Events per request when `readAll` and `headPosition` page through `$all`. */
  readPageSize?: number;
  /** One line for each event left out of `$all` because it is not JSON (default: stderr). */
  onSkippedEvent?: (line: string) => void;
}

/**
 * The production event store: a thin translation onto EventStoreDB / KurrentDB. Semantics are the
 * server's own; this class converts numbering (bigint revisions and positions to numbers), the
 * exclusive `after` of the port, system events (left out), and the client's errors.
 *
 * Needs a server ≥ 23.10: older ones send no "caught up" message, so `isLive` would stay false.
 */
export class EventStoreDbEventStore implements EventStore {
  private closed = false;
  private readonly subscriptions = new Set<CatchUpSubscription>();
  private readonly readPageSize: number;
  private readonly onSkippedEvent: (line: string) => void;
  private skipped = 0;

  /** Takes ownership of the client: `close()` disposes it. */
  constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbEventStoreOptions = {},
  ) {
    this.readPageSize = Math.max(2, options.readPageSize ?? 500);
    this.onSkippedEvent = options.onSkippedEvent ?? ((line) => process.stderr.write(`${line}\n`));
  }

  /** Events of `$all` left out because they are not JSON (another writer's binary events). */
  get skippedEvents(): number {
    return this.skipped;
  }

  /** The client connects lazily; an unreachable server surfaces on the first call as EventStoreUnavailableError. */
  static connect(connectionString: string, options: EventStoreDbEventStoreOptions = {}): EventStoreDbEventStore {
    let client: EventStoreDBClient;
    try {
      client = EventStoreDBClient.connectionString(connectionString);
    } catch (error) {
      // The parser's message may quote the string, and the string may hold a password.
      throw new EventStoreUnavailableError('EventStoreDB connection string could not be parsed', { cause: error });
    }
    return new EventStoreDbEventStore(client, options);
  }

  async append(streamId: string, events: EventToAppend[], expectedRevision: ExpectedRevision): Promise<AppendResult> {
    validateAppend(streamId, events, expectedRevision);
    this.assertOpen('append');
    const eventData = events.map((event) => jsonEvent({ id: event.id, type: event.type, data: event.data, metadata: event.metadata }));
    let result: Awaited<ReturnType<EventStoreDBClient['appendToStream']>>;
    try {
      result = await this.client.appendToStream(streamId, eventData, { expectedRevision: toEsdbExpectedRevision(expectedRevision) });
    } catch (error) {
      throw translate(error, 'append', expectedRevision);
    }
    if (!result.success) {
      // Only when the connection string sets throwOnAppendFailure=false. The client's batch-append
      // path then reports a wrong current revision (a boolean turned into a bigint), so ask the server.
      throw new WrongExpectedRevisionError(streamId, expectedRevision, await this.streamRevision(streamId));
    }
    const nextRevision = toSafeNumber(result.nextExpectedRevision, 'revision');
    // An idempotent append (the ids were already written) comes back without a position, or with
    // -1 as an unsigned 64-bit number; the original events' position is then read back.
    const position =
      result.position && isRealPosition(result.position) ? toPosition(result.position) : await this.positionAt(streamId, nextRevision);
    return { nextRevision, position };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const { fromRevision, limit } = validateReadStream(options);
    this.assertOpen('readStream');
    if (limit === 0) return [];
    const events: RecordedEvent[] = [];
    try {
      const read = this.client.readStream(streamId, { fromRevision: BigInt(fromRevision), ...(limit === undefined ? {} : { maxCount: limit }) });
      for await (const resolved of read) {
        if (resolved.event) events.push(toRecordedEvent(resolved.event));
      }
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw translate(error, 'readStream');
    }
    return events;
  }

  /**
   * The v6 client's `readAll` takes no server-side filter (only `subscribeToAll` does), so pages
   * of `$all` are filtered here. `fromPosition` is inclusive, the port's `after` is exclusive: the
   * event at the cursor itself is dropped, and each page asks for one more to make up for it.
   */
  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const limit = validateLimit(options.limit);
    this.assertOpen('readAll');
    if (limit === 0) return [];
    const prefixes = streamPrefixesOf(options);
    const events: RecordedEvent[] = [];
    let cursor = options.after ?? START_POSITION;
    try {
      for (;;) {
        // Without a prefix filter nearly every event counts, so a small limit asks for little.
        const maxCount =
          limit === undefined || prefixes ? this.readPageSize : Math.min(this.readPageSize, limit - events.length + 1);
        const page = this.client.readAll({ fromPosition: readPositionOf(cursor), maxCount });
        let read = 0;
        for await (const resolved of page) {
          read += 1;
          const event = resolved.event;
          if (!event) continue;
          const position = toPosition(event.position);
          if (comparePositions(position, cursor) <= 0) continue;
          cursor = position;
          if (isSystemEvent(event) || !matchesPrefixes(event.streamId, prefixes)) continue;
          const recorded = this.fromAll(event);
          if (!recorded) continue;
          events.push(recorded);
          if (events.length === limit) {
            await page.cancel();
            return events;
          }
        }
        if (read < maxCount) return events;
      }
    } catch (error) {
      throw translate(error, 'readAll');
    }
  }

  async streamRevision(streamId: string): Promise<number> {
    this.assertOpen('streamRevision');
    try {
      for await (const resolved of this.client.readStream(streamId, { direction: BACKWARDS, fromRevision: END, maxCount: 1 })) {
        if (resolved.event) return toSafeNumber(resolved.event.revision, 'revision');
      }
      return -1;
    } catch (error) {
      if (isStreamNotFound(error)) return -1;
      throw translate(error, 'streamRevision');
    }
  }

  /**
   * The last event that a subscription with the same filter would deliver: not a system event,
   * JSON, and in the given streams, so a head that only another stream (or a skipped event)
   * moved past is still reached.
   */
  async headPosition(filter: ReadAllFilter = {}): Promise<Position> {
    this.assertOpen('headPosition');
    const prefixes = streamPrefixesOf(filter);
    let from: ReadPosition = END;
    let cursor: Position | null = null;
    try {
      for (;;) {
        const page: StreamingRead<AllStreamResolvedEvent> = this.client.readAll({
          direction: BACKWARDS,
          fromPosition: from,
          maxCount: this.readPageSize,
        });
        let read = 0;
        for await (const resolved of page) {
          read += 1;
          const event = resolved.event;
          if (!event) continue;
          const position = toPosition(event.position);
          if (cursor && comparePositions(position, cursor) >= 0) continue;
          cursor = position;
          if (!isSystemEvent(event) && hasJsonBody(event) && matchesPrefixes(event.streamId, prefixes)) {
            await page.cancel();
            return position;
          }
          from = event.position;
        }
        if (read < this.readPageSize) return START_POSITION;
      }
    } catch (error) {
      throw translate(error, 'headPosition');
    }
  }

  subscribeToAll(handler: EventHandler, options: SubscribeToAllOptions = {}): Subscription {
    const after = options.after ?? START_POSITION;
    const prefixes = streamPrefixesOf(options);
    const closedAlready = this.closed;
    const subscription = new CatchUpSubscription(handler, (self) => this.feed(self, after, prefixes, closedAlready));
    if (!closedAlready) this.subscriptions.add(subscription);
    return subscription;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const subscription of this.subscriptions) subscription.requestStop();
    try {
      await this.client.dispose();
    } catch (error) {
      throw translate(error, 'close');
    }
  }

  private async feed(
    subscription: CatchUpSubscription,
    after: Position,
    prefixes: string[] | undefined,
    closedAlready: boolean,
  ): Promise<void> {
    if (closedAlready) throw new EventStoreUnavailableError('the EventStoreDB event store is closed (subscribeToAll)');
    if (subscription.isStopping) return;
    const stream = this.client.subscribeToAll({
      // Unlike readAll, a subscription's fromPosition is exclusive: exactly the port's `after`.
      fromPosition: readPositionOf(after),
      filter: prefixes ? streamNameFilter({ prefixes }) : excludeSystemEvents(),
    });

    // The driver emits 'caughtUp' as the server's message passes through it, while events sent
    // before that message may still wait in the stream's buffer. The subscription is live once
    // those have been handled too, not before.
    let pulled = 0;
    let settled = 0;
    let liveAfter: number | null = null;
    const markLiveWhenReached = (): void => {
      if (liveAfter !== null && settled >= liveAfter) subscription.markLive();
    };
    stream.on('caughtUp', () => {
      liveAfter ??= pulled + stream.readableLength;
      markLiveWhenReached();
    });
    // The server tells when a live subscription could not keep up and went back to reading history.
    stream.on('fellBehind', () => {
      liveAfter = null;
      subscription.markBehind();
    });
    // Cancelling the call ends the gRPC stream without ending this one, so destroy it as well:
    // that is what wakes an iterator waiting for the next live event.
    subscription.onStop(() => {
      void stream
        .unsubscribe()
        .catch(() => undefined)
        .finally(() => stream.destroy());
    });

    // Errors reach the iterator through its own listener. This one stays after the iterator lets
    // go, so an error the driver emits during teardown cannot become an uncaught exception.
    stream.on('error', () => undefined);
    const iterator = stream[Symbol.asyncIterator]();
    let endedByServer = false;
    try {
      for (;;) {
        let next: IteratorResult<AllStreamResolvedEvent>;
        try {
          next = await iterator.next();
        } catch (error) {
          if (subscription.isStopping) return;
          throw translate(error, 'subscribeToAll');
        }
        if (next.done) {
          endedByServer = !subscription.isStopping;
          break;
        }
        pulled += 1;
        if (subscription.isStopping) return;
        const event = next.value.event;
        const recorded = event && !isSystemEvent(event) && matchesPrefixes(event.streamId, prefixes) ? this.fromAll(event) : null;
        // The handler's own error ends the subscription as it is: it is not the store's failure.
        if (recorded) await subscription.deliver(recorded);
        settled += 1;
        markLiveWhenReached();
      }
    } finally {
      this.subscriptions.delete(subscription);
      subscription.requestStop();
      await Promise.resolve(iterator.return?.()).catch(() => undefined);
    }
    // A subscription has no natural end: the server dropped it, and the caller should resubscribe.
    if (endedByServer) throw new EventStoreUnavailableError('EventStoreDB ended the $all subscription');
  }

  /**
   * An event of `$all` in the port's shape, or null for one that is not JSON: left out with one
   * line and counted, so one foreign binary event cannot fail every resubscription for ever.
   */
  private fromAll(event: EsdbRecordedEvent): RecordedEvent | null {
    if (hasJsonBody(event)) return toRecordedEvent(event);
    this.skipped += 1;
    const at = event.position ? `${event.position.commit}/${event.position.prepare}` : 'unknown';
    this.onSkippedEvent(
      `EventStoreDB: skipped event ${event.id} (${event.type}) in ${event.streamId} at ${at}: not JSON data with JSON metadata; ${this.skipped} skipped so far`,
    );
    return null;
  }

  private async positionAt(streamId: string, revision: number): Promise<Position> {
    try {
      for await (const resolved of this.client.readStream(streamId, { fromRevision: BigInt(revision), maxCount: 1 })) {
        if (resolved.event) return toRecordedEvent(resolved.event).position;
      }
    } catch (error) {
      throw translate(error, 'append');
    }
    throw new EventStoreUnavailableError(`EventStoreDB reported ${streamId}@${revision} as written but it cannot be read`);
  }

  private assertOpen(action: string): void {
    if (this.closed) throw new EventStoreUnavailableError(`the EventStoreDB event store is closed (${action})`);
  }
}

function toEsdbExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default: {
      if (typeof expected === 'number') return BigInt(expected);
      const _never: never = expected;
      return _never;
    }
  }
}

function readPositionOf(after: Position): ReadPosition {
  return comparePositions(after, START_POSITION) <= 0 ? START : { commit: BigInt(after.commit), prepare: BigInt(after.prepare) };
}

function isSystemEvent(event: EsdbRecordedEvent): boolean {
  return event.streamId.startsWith('$') || event.type.startsWith('$');
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof Error && isCommandError(error) && error.type === ErrorType.STREAM_NOT_FOUND;
}

/** Commit and prepare positions are byte offsets in the transaction log: far below 2^53 in practice. */
function isRealPosition(position: EsdbPosition): boolean {
  return position.commit >= 0n && position.prepare >= 0n && position.commit <= BigInt(Number.MAX_SAFE_INTEGER) && position.prepare <= BigInt(Number.MAX_SAFE_INTEGER);
}

function toPosition(position: EsdbPosition): Position {
  return { commit: toSafeNumber(position.commit, 'commit position'), prepare: toSafeNumber(position.prepare, 'prepare position') };
}

function toSafeNumber(value: bigint, what: string): number {
  const number = Number(value);
  if (!Number.isSafeInteger(number)) throw new EventStoreUnavailableError(`EventStoreDB returned a ${what} beyond 2^53: ${value}`);
  return number;
}

function toCurrentRevision(current: CurrentRevision | undefined): number {
  return typeof current === 'bigint' ? toSafeNumber(current, 'revision') : -1;
}

function isJsonObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}

function hasJsonBody(event: EsdbRecordedEvent): boolean {
  return event.isJson && isJsonObject(event.data) && isJsonObject(event.metadata);
}

function toRecordedEvent(event: EsdbRecordedEvent): RecordedEvent {
  if (!hasJsonBody(event)) {
    throw new EventStoreUnavailableError(`event ${event.id} in ${event.streamId} is not JSON data with JSON metadata`);
  }
  if (!event.position) {
    throw new EventStoreUnavailableError('EventStoreDB did not report event positions; a server ≥ 22.6 is required');
  }
  return {
    streamId: event.streamId,
    revision: toSafeNumber(event.revision, 'revision'),
    position: toPosition(event.position),
    id: event.id,
    type: event.type,
    // The server hands back the JSON we appended: data and metadata were written from these types.
    data: event.data as JsonObject,
    metadata: event.metadata as unknown as EventMetadata,
    recordedAt: event.created,
  };
}

/** The client's errors become the port's; the port's own errors pass through untouched. */
function translate(error: unknown, action: string, expected?: ExpectedRevision): Error {
  if (error instanceof WrongExpectedRevisionError || error instanceof EventStoreUnavailableError || error instanceof InvalidAppendError) {
    return error;
  }
  if (error instanceof Error && isCommandError(error)) {
    switch (error.type) {
      case ErrorType.WRONG_EXPECTED_VERSION:
        return new WrongExpectedRevisionError(error.streamName, expected ?? 'any', toCurrentRevision(error.actualVersion));
      case ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
        return new InvalidAppendError(`the batch is larger than the server accepts (${error.maxAppendSize} bytes)`);
      case ErrorType.TIMEOUT:
      case ErrorType.DEADLINE_EXCEEDED:
      case ErrorType.UNAVAILABLE:
      case ErrorType.CANCELLED:
      case ErrorType.UNKNOWN:
      case ErrorType.NOT_LEADER:
      case ErrorType.ACCESS_DENIED:
      case ErrorType.STREAM_NOT_FOUND:
      case ErrorType.NO_STREAM:
      case ErrorType.STREAM_DELETED:
      case ErrorType.INVALID_ARGUMENT:
      case ErrorType.INVALID_TRANSACTION:
      case ErrorType.MISSING_REQUIRED_METADATA_PROPERTY:
      case ErrorType.SCAVENGE_NOT_FOUND:
      case ErrorType.PERSISTENT_SUBSCRIPTION_FAILED:
      case ErrorType.PERSISTENT_SUBSCRIPTION_DOES_NOT_EXIST:
      case ErrorType.PERSISTENT_SUBSCRIPTION_EXISTS:
      case ErrorType.PERSISTENT_SUBSCRIPTION_DROPPED:
      case ErrorType.MAXIMUM_SUBSCRIBERS_REACHED:
      case ErrorType.USER_NOT_FOUND:
      case ErrorType.USER_CONFLICT:
      case ErrorType.UNSUPPORTED:
        return new EventStoreUnavailableError(`EventStoreDB ${action} failed (${error.type}): ${error.message}`, { cause: error });
      default: {
        // The client's CommandError union leaves out NotFoundError (a gRPC NOT_FOUND), which its
        // convertToCommandError does create; so would any type a newer client adds.
        const _never: never = error;
        const unlisted = _never as Error & { type?: unknown };
        return new EventStoreUnavailableError(`EventStoreDB ${action} failed (${String(unlisted.type)}): ${unlisted.message}`, { cause: unlisted });
      }
    }
  }
  const message = error instanceof Error ? error.message : String(error);
  return new EventStoreUnavailableError(`EventStoreDB ${action} failed: ${message}`, { cause: error });
}

"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.EventStoreDbEventStore = void 0;
const db_client_1 = require("@eventstore/db-client");
const append_rules_1 = require("./append-rules");
const catch_up_subscription_1 = require("./catch-up-subscription");
const errors_1 = require("./errors");
const event_store_port_1 = require("./event-store.port");
/**
 * The production event store: a thin translation onto EventStoreDB / KurrentDB. Semantics are the
 * server's own; this class converts numbering (bigint revisions and positions to numbers), the
 * exclusive `after` of the port, system events (left out), and the client's errors.
 *
 * Needs a server ≥ 23.10: older ones send no "caught up" message, so `isLive` would stay false.
 */
class EventStoreDbEventStore {
    client;
    closed = false;
    subscriptions = new Set();
    readPageSize;
    /** Takes ownership of the client: `close()` disposes it. */
    constructor(client, options = {}) {
        this.client = client;
        this.readPageSize = Math.max(2, options.readPageSize ?? 500);
    }
    /** The client connects lazily; an unreachable server surfaces on the first call as EventStoreUnavailableError. */
    static connect(connectionString, options = {}) {
        let client;
        try {
            client = db_client_1.EventStoreDBClient.connectionString(connectionString);
        }
        catch (error) {
            // The parser's message may quote the string, and the string may hold a password.
            throw new errors_1.EventStoreUnavailableError('EventStoreDB connection string could not be parsed', { cause: error });
        }
        return new EventStoreDbEventStore(client, options);
    }
    async append(streamId, events, expectedRevision) {
        (0, append_rules_1.validateAppend)(streamId, events, expectedRevision);
        this.assertOpen('append');
        const eventData = events.map((event) => (0, db_client_1.jsonEvent)({ id: event.id, type: event.type, data: event.data, metadata: event.metadata }));
        let result;
        try {
            result = await this.client.appendToStream(streamId, eventData, { expectedRevision: toEsdbExpectedRevision(expectedRevision) });
        }
        catch (error) {
            throw translate(error, 'append', expectedRevision);
        }
        if (!result.success) {
            // Only when the connection string sets throwOnAppendFailure=false. The client's batch-append
            // path then reports a wrong current revision (a boolean turned into a bigint), so ask the server.
            throw new errors_1.WrongExpectedRevisionError(streamId, expectedRevision, await this.streamRevision(streamId));
        }
        const nextRevision = toSafeNumber(result.nextExpectedRevision, 'revision');
        // An idempotent append (the ids were already written) comes back without a position, or with
        // -1 as an unsigned 64-bit number; the original events' position is then read back.
        const position = result.position && isRealPosition(result.position) ? toPosition(result.position) : await this.positionAt(streamId, nextRevision);
        return { nextRevision, position };
    }
    async readStream(streamId, options = {}) {
        const { fromRevision, limit } = (0, append_rules_1.validateReadStream)(options);
        this.assertOpen('readStream');
        if (limit === 0)
            return [];
        const events = [];
        try {
            const read = this.client.readStream(streamId, { fromRevision: BigInt(fromRevision), ...(limit === undefined ? {} : { maxCount: limit }) });
            for await (const resolved of read) {
                if (resolved.event)
                    events.push(toRecordedEvent(resolved.event));
            }
        }
        catch (error) {
            if (isStreamNotFound(error))
                return [];
            throw translate(error, 'readStream');
        }
        return events;
    }
    /**
     * The v6 client's `readAll` takes no server-side filter (only `subscribeToAll` does), so pages
     * of `$all` are filtered here. `fromPosition` is inclusive, the port's `after` is exclusive: the
     * event at the cursor itself is dropped, and each page asks for one more to make up for it.
     */
    async readAll(options = {}) {
        const limit = (0, append_rules_1.validateLimit)(options.limit);
        this.assertOpen('readAll');
        if (limit === 0)
            return [];
        const prefixes = (0, append_rules_1.streamPrefixesOf)(options);
        const events = [];
        let cursor = options.after ?? event_store_port_1.START_POSITION;
        try {
            for (;;) {
                // Without a prefix filter nearly every event counts, so a small limit asks for little.
                const maxCount = limit === undefined || prefixes ? this.readPageSize : Math.min(this.readPageSize, limit - events.length + 1);
                const page = this.client.readAll({ fromPosition: readPositionOf(cursor), maxCount });
                let read = 0;
                for await (const resolved of page) {
                    read += 1;
                    const event = resolved.event;
                    if (!event)
                        continue;
                    const position = toPosition(event.position);
                    if ((0, event_store_port_1.comparePositions)(position, cursor) <= 0)
                        continue;
                    cursor = position;
                    if (isSystemEvent(event) || !(0, append_rules_1.matchesPrefixes)(event.streamId, prefixes))
                        continue;
                    events.push(toRecordedEvent(event));
                    if (events.length === limit) {
                        await page.cancel();
                        return events;
                    }
                }
                if (read < maxCount)
                    return events;
            }
        }
        catch (error) {
            throw translate(error, 'readAll');
        }
    }
    async streamRevision(streamId) {
        this.assertOpen('streamRevision');
        try {
            for await (const resolved of this.client.readStream(streamId, { direction: db_client_1.BACKWARDS, fromRevision: db_client_1.END, maxCount: 1 })) {
                if (resolved.event)
                    return toSafeNumber(resolved.event.revision, 'revision');
            }
            return -1;
        }
        catch (error) {
            if (isStreamNotFound(error))
                return -1;
            throw translate(error, 'streamRevision');
        }
    }
    /** The last non-system event: system events are never delivered, so a head among them would never be reached. */
    async headPosition() {
        this.assertOpen('headPosition');
        let from = db_client_1.END;
        let cursor = null;
        try {
            for (;;) {
                const page = this.client.readAll({
                    direction: db_client_1.BACKWARDS,
                    fromPosition: from,
                    maxCount: this.readPageSize,
                });
                let read = 0;
                for await (const resolved of page) {
                    read += 1;
                    const event = resolved.event;
                    if (!event)
                        continue;
                    const position = toPosition(event.position);
                    if (cursor && (0, event_store_port_1.comparePositions)(position, cursor) >= 0)
                        continue;
                    cursor = position;
                    if (!isSystemEvent(event)) {
                        await page.cancel();
                        return position;
                    }
                    from = event.position;
                }
                if (read < this.readPageSize)
                    return event_store_port_1.START_POSITION;
            }
        }
        catch (error) {
            throw translate(error, 'headPosition');
        }
    }
    subscribeToAll(handler, options = {}) {
        const after = options.after ?? event_store_port_1.START_POSITION;
        const prefixes = (0, append_rules_1.streamPrefixesOf)(options);
        const closedAlready = this.closed;
        const subscription = new catch_up_subscription_1.CatchUpSubscription(handler, (self) => this.feed(self, after, prefixes, closedAlready));
        if (!closedAlready)
            this.subscriptions.add(subscription);
        return subscription;
    }
    async close() {
        if (this.closed)
            return;
        this.closed = true;
        for (const subscription of this.subscriptions)
            subscription.requestStop();
        try {
            await this.client.dispose();
        }
        catch (error) {
            throw translate(error, 'close');
        }
    }
    async feed(subscription, after, prefixes, closedAlready) {
        if (closedAlready)
            throw new errors_1.EventStoreUnavailableError('the EventStoreDB event store is closed (subscribeToAll)');
        if (subscription.isStopping)
            return;
        const stream = this.client.subscribeToAll({
            // Unlike readAll, a subscription's fromPosition is exclusive: exactly the port's `after`.
            fromPosition: readPositionOf(after),
            filter: prefixes ? (0, db_client_1.streamNameFilter)({ prefixes }) : (0, db_client_1.excludeSystemEvents)(),
        });
        // The driver emits 'caughtUp' as the server's message passes through it, while events sent
        // before that message may still wait in the stream's buffer. The subscription is live once
        // those have been handled too, not before.
        let pulled = 0;
        let settled = 0;
        let liveAfter = null;
        const markLiveWhenReached = () => {
            if (liveAfter !== null && settled >= liveAfter)
                subscription.markLive();
        };
        stream.on('caughtUp', () => {
            liveAfter ??= pulled + stream.readableLength;
            markLiveWhenReached();
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
                let next;
                try {
                    next = await iterator.next();
                }
                catch (error) {
                    if (subscription.isStopping)
                        return;
                    throw translate(error, 'subscribeToAll');
                }
                if (next.done) {
                    endedByServer = !subscription.isStopping;
                    break;
                }
                pulled += 1;
                if (subscription.isStopping)
                    return;
                const event = next.value.event;
                if (event && !isSystemEvent(event) && (0, append_rules_1.matchesPrefixes)(event.streamId, prefixes)) {
                    // The handler's own error ends the subscription as it is: it is not the store's failure.
                    await subscription.deliver(toRecordedEvent(event));
                }
                settled += 1;
                markLiveWhenReached();
            }
        }
        finally {
            this.subscriptions.delete(subscription);
            subscription.requestStop();
            await Promise.resolve(iterator.return?.()).catch(() => undefined);
        }
        // A subscription has no natural end: the server dropped it, and the caller should resubscribe.
        if (endedByServer)
            throw new errors_1.EventStoreUnavailableError('EventStoreDB ended the $all subscription');
    }
    async positionAt(streamId, revision) {
        try {
            for await (const resolved of this.client.readStream(streamId, { fromRevision: BigInt(revision), maxCount: 1 })) {
                if (resolved.event)
                    return toRecordedEvent(resolved.event).position;
            }
        }
        catch (error) {
            throw translate(error, 'append');
        }
        throw new errors_1.EventStoreUnavailableError(`EventStoreDB reported ${streamId}@${revision} as written but it cannot be read`);
    }
    assertOpen(action) {
        if (this.closed)
            throw new errors_1.EventStoreUnavailableError(`the EventStoreDB event store is closed (${action})`);
    }
}
exports.EventStoreDbEventStore = EventStoreDbEventStore;
function toEsdbExpectedRevision(expected) {
    switch (expected) {
        case 'any':
            return db_client_1.ANY;
        case 'no_stream':
            return db_client_1.NO_STREAM;
        case 'stream_exists':
            return db_client_1.STREAM_EXISTS;
        default: {
            if (typeof expected === 'number')
                return BigInt(expected);
            const _never = expected;
            return _never;
        }
    }
}
function readPositionOf(after) {
    return (0, event_store_port_1.comparePositions)(after, event_store_port_1.START_POSITION) <= 0 ? db_client_1.START : { commit: BigInt(after.commit), prepare: BigInt(after.prepare) };
}
function isSystemEvent(event) {
    return event.streamId.startsWith('$') || event.type.startsWith('$');
}
function isStreamNotFound(error) {
    return error instanceof Error && (0, db_client_1.isCommandError)(error) && error.type === db_client_1.ErrorType.STREAM_NOT_FOUND;
}
/** Commit and prepare positions are byte offsets in the transaction log: far below 2^53 in practice. */
function isRealPosition(position) {
    return position.commit >= 0n && position.prepare >= 0n && position.commit <= BigInt(Number.MAX_SAFE_INTEGER) && position.prepare <= BigInt(Number.MAX_SAFE_INTEGER);
}
function toPosition(position) {
    return { commit: toSafeNumber(position.commit, 'commit position'), prepare: toSafeNumber(position.prepare, 'prepare position') };
}
function toSafeNumber(value, what) {
    const number = Number(value);
    if (!Number.isSafeInteger(number))
        throw new errors_1.EventStoreUnavailableError(`EventStoreDB returned a ${what} beyond 2^53: ${value}`);
    return number;
}
function toCurrentRevision(current) {
    return typeof current === 'bigint' ? toSafeNumber(current, 'revision') : -1;
}
function isJsonObject(value) {
    return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
function toRecordedEvent(event) {
    if (!event.isJson || !isJsonObject(event.data) || !isJsonObject(event.metadata)) {
        throw new errors_1.EventStoreUnavailableError(`event ${event.id} in ${event.streamId} is not JSON data with JSON metadata`);
    }
    if (!event.position) {
        throw new errors_1.EventStoreUnavailableError('EventStoreDB did not report event positions; a server ≥ 22.6 is required');
    }
    return {
        streamId: event.streamId,
        revision: toSafeNumber(event.revision, 'revision'),
        position: toPosition(event.position),
        id: event.id,
        type: event.type,
        // The server hands back the JSON we appended: data and metadata were written from these types.
        data: event.data,
        metadata: event.metadata,
        recordedAt: event.created,
    };
}
/** The client's errors become the port's; the port's own errors pass through untouched. */
function translate(error, action, expected) {
    if (error instanceof errors_1.WrongExpectedRevisionError || error instanceof errors_1.EventStoreUnavailableError || error instanceof errors_1.InvalidAppendError) {
        return error;
    }
    if (error instanceof Error && (0, db_client_1.isCommandError)(error)) {
        switch (error.type) {
            case db_client_1.ErrorType.WRONG_EXPECTED_VERSION:
                return new errors_1.WrongExpectedRevisionError(error.streamName, expected ?? 'any', toCurrentRevision(error.actualVersion));
            case db_client_1.ErrorType.MAXIMUM_APPEND_SIZE_EXCEEDED:
                return new errors_1.InvalidAppendError(`the batch is larger than the server accepts (${error.maxAppendSize} bytes)`);
            case db_client_1.ErrorType.TIMEOUT:
            case db_client_1.ErrorType.DEADLINE_EXCEEDED:
            case db_client_1.ErrorType.UNAVAILABLE:
            case db_client_1.ErrorType.CANCELLED:
            case db_client_1.ErrorType.UNKNOWN:
            case db_client_1.ErrorType.NOT_LEADER:
            case db_client_1.ErrorType.ACCESS_DENIED:
            case db_client_1.ErrorType.STREAM_NOT_FOUND:
            case db_client_1.ErrorType.NO_STREAM:
            case db_client_1.ErrorType.STREAM_DELETED:
            case db_client_1.ErrorType.INVALID_ARGUMENT:
            case db_client_1.ErrorType.INVALID_TRANSACTION:
            case db_client_1.ErrorType.MISSING_REQUIRED_METADATA_PROPERTY:
            case db_client_1.ErrorType.SCAVENGE_NOT_FOUND:
            case db_client_1.ErrorType.PERSISTENT_SUBSCRIPTION_FAILED:
            case db_client_1.ErrorType.PERSISTENT_SUBSCRIPTION_DOES_NOT_EXIST:
            case db_client_1.ErrorType.PERSISTENT_SUBSCRIPTION_EXISTS:
            case db_client_1.ErrorType.PERSISTENT_SUBSCRIPTION_DROPPED:
            case db_client_1.ErrorType.MAXIMUM_SUBSCRIBERS_REACHED:
            case db_client_1.ErrorType.USER_NOT_FOUND:
            case db_client_1.ErrorType.USER_CONFLICT:
            case db_client_1.ErrorType.UNSUPPORTED:
                return new errors_1.EventStoreUnavailableError(`EventStoreDB ${action} failed (${error.type}): ${error.message}`, { cause: error });
            default: {
                const _never = error;
                return _never;
            }
        }
    }
    const message = error instanceof Error ? error.message : String(error);
    return new errors_1.EventStoreUnavailableError(`EventStoreDB ${action} failed: ${message}`, { cause: error });
}
//# sourceMappingURL=eventstoredb-event-store.js.map
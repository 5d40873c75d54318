import { Metadata, status } from '@grpc/grpc-js';
import { PassThrough, Readable } from 'node:stream';
import { randomUUID } from 'node:crypto';
import {
  NotFoundError,
  convertToCommandError,
  type AllStreamResolvedEvent,
  type EventStoreDBClient,
  type RecordedEvent as EsdbRecordedEvent,
} from '@eventstore/db-client';
import { EventStoreUnavailableError } from './errors';
import { waitUntil } from './event-store.contract';
import type { RecordedEvent } from './event-store.port';
import { EventStoreDbEventStore } from './eventstoredb-event-store';

/**
 * The adapter's own logic where a server is not needed to show it, against the client's own parts:
 * its Subscription stream (the class subscribeToAll returns, fed as gRPC feeds it), its error
 * classes and its conversion of gRPC errors.
 */

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { Subscription } = require('@eventstore/db-client/dist/streams/utils/Subscription') as {
  Subscription: new (
    createGrpcStream: () => Promise<NodeJS.ReadWriteStream>,
    convert: (event: unknown) => unknown,
    options: object,
    checkpointReached?: unknown,
  ) => NodeJS.ReadableStream;
};

let position = 100;
function recorded(streamId: string, options: { json?: boolean; type?: string } = {}): EsdbRecordedEvent {
  position += 10;
  const json = options.json ?? true;
  return {
    streamId,
    id: randomUUID(),
    revision: 0n,
    type: options.type ?? 'SomethingHappened',
    data: json ? { ok: true } : new Uint8Array([0xde, 0xad]),
    metadata: json ? { organizationId: 'o' } : new Uint8Array([]),
    isJson: json,
    created: new Date('2026-01-01T00:00:00Z'),
    position: { commit: BigInt(position), prepare: BigInt(position) },
  } as EsdbRecordedEvent;
}

/** What the server sends on a subscription, as the client's generated messages answer it. */
const eventMessage = (event: EsdbRecordedEvent) => ({ hasEvent: () => true, getEvent: () => ({ event }) });
const caughtUp = { hasCaughtUp: () => true };
const fellBehind = { hasFellBehind: () => true };

function subscriptionClient() {
  const grpc = Object.assign(new PassThrough({ objectMode: true }), { cancel: () => grpc.end() });
  const subscription = new Subscription(async () => grpc, (message) => message, {});
  const client = { subscribeToAll: () => subscription, dispose: async () => undefined } as unknown as EventStoreDBClient;
  return { grpc, client };
}

function readAllClient(backwards: EsdbRecordedEvent[]) {
  const client = {
    readAll: () => Object.assign(Readable.from(backwards.map((event) => ({ event }) as AllStreamResolvedEvent)), { cancel: async () => undefined }),
    dispose: async () => undefined,
  };
  return client as unknown as EventStoreDBClient;
}

describe('EventStoreDbEventStore (the client’s own stream and error classes)', () => {
  it('skips an event that is not JSON with one line, counts it, and keeps the subscription going', async () => {
    const { grpc, client } = subscriptionClient();
    const lines: string[] = [];
    const store = new EventStoreDbEventStore(client, { onSkippedEvent: (line) => lines.push(line) });
    const received: RecordedEvent[] = [];
    const subscription = store.subscribeToAll((event) => void received.push(event), { streamPrefixes: ['session-'] });
    const binary = recorded('session-b', { json: false, type: 'Blob' });
    const before = recorded('session-a');
    const after = recorded('session-c');
    grpc.write(eventMessage(before));
    grpc.write(eventMessage(binary));
    grpc.write(eventMessage(after));
    grpc.write(caughtUp);
    await waitUntil(() => subscription.isLive, 'live');
    expect(received.map((event) => event.id)).toEqual([before.id, after.id]);
    expect(store.skippedEvents).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain(binary.id);
    expect(lines[0]).toContain('session-b');
    await subscription.stop();
    await expect(subscription.done).resolves.toBeUndefined();
    await store.close();
  });

  it('is not live after the server says it fell behind, and live again once it catches up', async () => {
    const { grpc, client } = subscriptionClient();
    const store = new EventStoreDbEventStore(client);
    const subscription = store.subscribeToAll(() => undefined);
    grpc.write(eventMessage(recorded('session-a')));
    grpc.write(caughtUp);
    await waitUntil(() => subscription.isLive, 'live');
    grpc.write(fellBehind);
    await waitUntil(() => !subscription.isLive, 'behind');
    grpc.write(eventMessage(recorded('session-a')));
    grpc.write(caughtUp);
    await waitUntil(() => subscription.isLive, 'live again');
    await subscription.stop();
    await store.close();
  });

  it('turns the client’s NotFoundError, which its CommandError union leaves out, into EventStoreUnavailableError', async () => {
    // A gRPC NOT_FOUND without an exception header, converted by the client itself.
    const grpcError = Object.assign(new Error('5 NOT_FOUND: no such method'), { code: status.NOT_FOUND, details: 'no such method', metadata: new Metadata() });
    const converted = convertToCommandError(grpcError);
    expect(converted).toBeInstanceOf(NotFoundError);
    const client = { appendToStream: () => Promise.reject(converted), dispose: async () => undefined } as unknown as EventStoreDBClient;
    const store = new EventStoreDbEventStore(client);
    const append = store.append('session-a', [{ id: randomUUID(), type: 'X', data: {}, metadata: {} as never }], 'any');
    await expect(append).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(append).rejects.toThrow(/not-found/);
    await store.close();
  });

  it('takes the head within the given streams: a foreign, system or non-JSON event written last does not count', async () => {
    const ours = recorded('session-a');
    const theirs = recorded('other-b');
    const system = recorded('$stats-0', { type: '$statsCollected' });
    const binary = recorded('session-b', { json: false });
    // readAll backwards from the end: newest first.
    const store = new EventStoreDbEventStore(readAllClient([binary, system, theirs, ours]));
    expect(await store.headPosition({ streamPrefixes: ['session-', 'pins-'] })).toEqual({ commit: Number(ours.position!.commit), prepare: Number(ours.position!.prepare) });
    expect(await store.headPosition()).toEqual({ commit: Number(theirs.position!.commit), prepare: Number(theirs.position!.prepare) });
    await store.close();
  });
});

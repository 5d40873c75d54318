import { WrongExpectedRevisionError } from '../errors';
import type { EventStore, EventToAppend, ExpectedRevision, Position, RecordedEvent } from '../event-store.port';

/**
 * A decider, as the generic command handler folds it: pure functions of the command, the state
 * and the events; no clock, no store. `deduplicate` drops what a command carries that is
 * already stored (the client's retried ids), before deciding.
 */
export interface Decider<Command, Event extends { id: string }, State> {
  initialState(): State;
  evolve(state: State, event: Event, revision: number): State;
  /** Optional: the same as `evolve` over each event in turn, done at once (e.g. one copy of the state for a batch). */
  evolveAll?(state: State, events: readonly { event: Event; revision: number }[]): State;
  decide(command: Command, state: State): Event[];
  decode(recorded: RecordedEvent): Event;
  deduplicate?(command: Command, stored: ReadonlyMap<string, number>): { command: Command | null; storedRevisions: number[] };
}

/** A stream folded to `revision`, with the ids of the events stored so far. */
export interface FoldedStream<State> {
  streamId: string;
  state: State;
  /** Revision of the last event folded; -1 when the stream does not exist. */
  revision: number;
  /** Stored event id -> its revision: a retried event is recognised without reading the stream. */
  eventIds: Map<string, number>;
  lastPosition: Position | null;
}

export interface Decision<Event> {
  events: Event[];
  expected: ExpectedRevision;
  /** Revisions of the command's events found already stored (and so not decided again). */
  storedRevisions: number[];
  /** Every event the command carries was stored already: nothing was left to decide. */
  allStored: boolean;
}

export interface AppendedEvents {
  firstRevision: number;
  lastRevision: number;
  position: Position;
}

export interface HandledCommand<Event, State> {
  stream: FoldedStream<State>;
  events: Event[];
  appended: AppendedEvents | null;
  /** How many of the command's events were already stored (same ids). */
  deduplicated: number;
  /** Their revisions, when every event of the command was a retry. */
  deduplicatedRevisions: number[];
}

export const MAX_CONFLICT_RETRIES = 5;
const CACHE_LIMIT = 10_000;

/**
 * Folded streams kept in memory at their revision: the synchronous core of the command handler
 * (catch up, deduplicate, decide, fold). The bench uses it alone to decide whole histories ahead
 * of writing them; the command handler wraps it with the store.
 */
export class FoldedStreams<Command, Event extends { id: string }, State> {
  private readonly cache = new Map<string, FoldedStream<State>>();

  constructor(
    private readonly decider: Decider<Command, Event, State>,
    private readonly cacheLimit = CACHE_LIMIT,
  ) {}

  /** The stream as last folded here, or a new one. */
  get(streamId: string): FoldedStream<State> {
    return this.cache.get(streamId) ?? { streamId, state: this.decider.initialState(), revision: -1, eventIds: new Map(), lastPosition: null };
  }

  catchUp(stream: FoldedStream<State>, recorded: readonly RecordedEvent[]): FoldedStream<State> {
    stream.state = this.evolve(stream.state, recorded.map((event) => ({ event: this.decider.decode(event), revision: event.revision })));
    for (const event of recorded) stream.eventIds.set(event.id, event.revision);
    const last = recorded[recorded.length - 1];
    if (last) {
      stream.revision = last.revision;
      stream.lastPosition = last.position;
    }
    this.remember(stream);
    return stream;
  }

  decide(stream: FoldedStream<State>, command: Command): Decision<Event> {
    const { command: effective, storedRevisions } = this.decider.deduplicate?.(command, stream.eventIds) ?? { command, storedRevisions: [] };
    const expected: ExpectedRevision = stream.revision === -1 ? 'no_stream' : stream.revision;
    if (effective === null) return { events: [], expected, storedRevisions, allStored: true };
    return { events: this.decider.decide(effective, stream.state), expected, storedRevisions, allStored: false };
  }

  /** Folds events just appended, the last one at `lastRevision`. */
  fold(stream: FoldedStream<State>, events: readonly Event[], lastRevision: number, position: Position | null): void {
    const firstRevision = lastRevision - events.length + 1;
    const numbered = events.map((event, index) => ({ event, revision: firstRevision + index }));
    stream.state = this.evolve(stream.state, numbered);
    for (const { event, revision } of numbered) stream.eventIds.set(event.id, revision);
    stream.revision = lastRevision;
    stream.lastPosition = position;
    this.remember(stream);
  }

  private evolve(state: State, events: readonly { event: Event; revision: number }[]): State {
    if (this.decider.evolveAll) return this.decider.evolveAll(state, events);
    let current = state;
    for (const { event, revision } of events) current = this.decider.evolve(current, event, revision);
    return current;
  }

  /** Drops a stream whose folded state may be ahead of or behind the store, e.g. after a failed append. */
  forget(streamId: string): void {
    this.cache.delete(streamId);
  }

  private remember(stream: FoldedStream<State>): void {
    if (stream.revision === -1) return;
    this.cache.delete(stream.streamId);
    this.cache.set(stream.streamId, stream);
    if (this.cache.size > this.cacheLimit) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}

/**
 * Serialises work per key inside this process. Commands on one session then never race each
 * other here (other processes are still held off by the expected revision), and commands on
 * different sessions run side by side.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<unknown>>();

  async run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(work, work);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      return await result;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

/** A command that met a revision conflict on every attempt. */
export class ConcurrentChangeError extends Error {
  readonly code = 'CONFLICT' as const;

  constructor(
    readonly streamId: string,
    readonly attempts: number,
    message = `stream ${streamId} kept changing while this command was applied (${attempts} attempts); retry with the same ids`,
  ) {
    super(message);
    this.name = 'ConcurrentChangeError';
  }
}

export interface DeciderCommandHandlerOptions {
  maxConflictRetries?: number;
  cacheLimit?: number;
  /** The error for a command that kept meeting conflicts; a ConcurrentChangeError by default. */
  conflict?(streamId: string, attempts: number): Error;
}

/**
 * The one command handler: load the stream (or catch up from the folded copy by reading only
 * newer events), drop the events already stored, decide, append with the expected revision. A
 * revision conflict (another process appended first) is retried a bounded number of times on
 * fresh state. Commands on one stream are serialised inside this process; other processes are
 * held off by the expected revision.
 */
export class DeciderCommandHandler<Command, Event extends { id: string }, State> {
  private readonly streams: FoldedStreams<Command, Event, State>;
  private readonly locks = new KeyedLock();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly store: Pick<EventStore, 'readStream' | 'append'>,
    decider: Decider<Command, Event, State>,
    private readonly options: DeciderCommandHandlerOptions = {},
  ) {
    this.streams = new FoldedStreams(decider, options.cacheLimit);
  }

  /** The stream folded up to what the store holds now. */
  async load(streamId: string): Promise<FoldedStream<State>> {
    const stream = this.streams.get(streamId);
    const fresh = await this.store.readStream(streamId, { fromRevision: stream.revision + 1 });
    return this.streams.catchUp(stream, fresh);
  }

  handle(streamId: string, command: Command, encode: (event: Event) => EventToAppend): Promise<HandledCommand<Event, State>> {
    const work = this.locks.run(streamId, () => this.attempt(streamId, command, encode));
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Resolves when every command under way has finished (for an orderly shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  private async attempt(streamId: string, command: Command, encode: (event: Event) => EventToAppend): Promise<HandledCommand<Event, State>> {
    const maxRetries = this.options.maxConflictRetries ?? MAX_CONFLICT_RETRIES;
    for (let attempt = 1; ; attempt += 1) {
      const stream = await this.load(streamId);
      const { events, expected, storedRevisions, allStored } = this.streams.decide(stream, command);
      const deduplicated = storedRevisions.length;
      if (events.length === 0) {
        // Every event was a retry (nothing new to decide), or the command changes nothing.
        return { stream, events, appended: null, deduplicated, deduplicatedRevisions: allStored ? storedRevisions : [] };
      }
      try {
        const result = await this.store.append(streamId, events.map(encode), expected);
        this.streams.fold(stream, events, result.nextRevision, result.position);
        const appended = { firstRevision: result.nextRevision - events.length + 1, lastRevision: result.nextRevision, position: result.position };
        return { stream, events, appended, deduplicated, deduplicatedRevisions: [] };
      } catch (error) {
        this.streams.forget(streamId);
        if (!(error instanceof WrongExpectedRevisionError)) throw error;
        if (attempt >= maxRetries) throw this.options.conflict?.(streamId, attempt) ?? new ConcurrentChangeError(streamId, attempt);
      }
    }
  }
}

import { validateAppend } from '../append-rules';
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

/**
 * The ids of a branch: those of the stream it came from (read through, never copied: a long
 * stream holds 100 000) and, as its own entries, the ids folded into the branch.
 */
class BranchIds extends Map<string, number> {
  constructor(private readonly base: ReadonlyMap<string, number>) {
    super();
  }

  override get(id: string): number | undefined {
    return super.get(id) ?? this.base.get(id);
  }

  override has(id: string): boolean {
    return super.has(id) || this.base.has(id);
  }
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
    this.evolveInto(stream, events, lastRevision, position);
    this.remember(stream);
  }

  /**
   * A copy of `stream` to decide ahead on, for events not stored yet: `foldAhead` changes the
   * copy only, so what `get` and `load` give stays what the store holds until `adopt`.
   */
  branch(stream: FoldedStream<State>): FoldedStream<State> {
    return { ...stream, eventIds: new BranchIds(stream.eventIds) };
  }

  /** Folds events into a branch, the first one at the branch's next revision. */
  foldAhead(branch: FoldedStream<State>, events: readonly Event[]): void {
    this.evolveInto(branch, events, branch.revision + events.length, null);
  }

  /** The branch's events are stored, the last one at `position`: `stream` takes the branch's state. */
  adopt(stream: FoldedStream<State>, branch: FoldedStream<State>, position: Position): void {
    stream.state = branch.state;
    // A branch's own entries are the ids folded into it (see BranchIds).
    for (const [id, revision] of branch.eventIds) stream.eventIds.set(id, revision);
    stream.revision = branch.revision;
    stream.lastPosition = position;
    this.remember(stream);
  }

  private evolveInto(stream: FoldedStream<State>, events: readonly Event[], lastRevision: number, position: Position | null): void {
    const firstRevision = lastRevision - events.length + 1;
    const numbered = events.map((event, index) => ({ event, revision: firstRevision + index }));
    stream.state = this.evolve(stream.state, numbered);
    for (const { event, revision } of numbered) stream.eventIds.set(event.id, revision);
    stream.revision = lastRevision;
    stream.lastPosition = position;
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

/** Commands on one stream written together at most, and their events at most (a lone command may carry more). */
const MAX_BATCH_COMMANDS = 64;
const MAX_BATCH_EVENTS = 2_000;

interface Queued<Command, Event, State> {
  command: Command;
  encode: (event: Event) => EventToAppend;
  resolve(outcome: HandledCommand<Event, State>): void;
  reject(error: unknown): void;
}

/** A command of a batch as decided: its events (none when all were stored already) and where they go. */
interface Decided<Command, Event, State> {
  item: Queued<Command, Event, State>;
  events: Event[];
  deduplicated: number;
  deduplicatedRevisions: number[];
  /** Revision of its first event in the batch's append (when it has events). */
  firstRevision: number;
}

/**
 * The one command handler: load the stream (or catch up from the folded copy by reading only
 * newer events), drop the events already stored, decide, append with the expected revision. A
 * revision conflict (another process appended first) is retried a bounded number of times on
 * fresh state. Commands on one stream are serialised inside this process; other processes are
 * held off by the expected revision.
 *
 * Commands on one stream that queue up while an append of that stream is being committed are
 * then decided one after another, each on the state the previous ones leave, and written in one
 * append: one commit for the lot instead of one commit (one turn of the event loop, one fsync)
 * each, so a busy session is not held to one command per commit. Each command is answered with
 * its own revisions once that append is durable; one that is refused (its decision throws) fails
 * alone; a conflict retries the whole batch on fresh state.
 */
export class DeciderCommandHandler<Command, Event extends { id: string }, State> {
  private readonly streams: FoldedStreams<Command, Event, State>;
  /** Commands waiting for their stream's append under way, by stream. */
  private readonly queues = new Map<string, Queued<Command, Event, State>[]>();
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
    const work = new Promise<HandledCommand<Event, State>>((resolve, reject) => {
      const item = { command, encode, resolve, reject };
      const queue = this.queues.get(streamId);
      if (queue) {
        queue.push(item);
        return;
      }
      this.queues.set(streamId, [item]);
      // On a later microtask: commands the caller sends in the same synchronous run join this first batch.
      void Promise.resolve().then(() => this.writeQueue(streamId));
    });
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  /** Resolves when every command under way has finished (for an orderly shutdown). */
  async drain(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  /** Writes the stream's queue, batch after batch, until no command waits. */
  private async writeQueue(streamId: string): Promise<void> {
    const queue = this.queues.get(streamId)!;
    while (queue.length > 0) {
      const batch = this.takeBatch(queue);
      // `write` settles every command itself; this only keeps an unforeseen throw from stalling the queue.
      await this.write(streamId, batch).catch((error: unknown) => {
        for (const item of batch) item.reject(error);
      });
    }
    this.queues.delete(streamId);
  }

  /** The first commands of the queue, as many as one append takes (judged by what they carry). */
  private takeBatch(queue: Queued<Command, Event, State>[]): Queued<Command, Event, State>[] {
    let count = 1;
    let events = sizeOf(queue[0]!.command);
    while (count < queue.length && count < MAX_BATCH_COMMANDS) {
      events += sizeOf(queue[count]!.command);
      if (events > MAX_BATCH_EVENTS) break;
      count += 1;
    }
    return queue.splice(0, count);
  }

  /** Decides and appends a batch, retrying it on conflicts; settles every command of it, never throws. */
  private async write(streamId: string, batch: Queued<Command, Event, State>[]): Promise<void> {
    const maxRetries = this.options.maxConflictRetries ?? MAX_CONFLICT_RETRIES;
    let pending = batch;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      let stream: FoldedStream<State>;
      try {
        stream = await this.load(streamId);
      } catch (error) {
        for (const item of pending) item.reject(error);
        return;
      }
      const expected: ExpectedRevision = stream.revision === -1 ? 'no_stream' : stream.revision;
      const ahead = this.streams.branch(stream);
      const decided: Decided<Command, Event, State>[] = [];
      const toAppend: EventToAppend[] = [];
      for (const item of pending) {
        try {
          const decision = this.streams.decide(ahead, item.command);
          const encoded = decision.events.map(item.encode);
          // Checked alone, so a malformed command cannot fail the others it is written with.
          if (encoded.length > 0) validateAppend(streamId, encoded, expected);
          decided.push({
            item,
            events: decision.events,
            deduplicated: decision.storedRevisions.length,
            deduplicatedRevisions: decision.allStored ? decision.storedRevisions : [],
            firstRevision: ahead.revision + 1,
          });
          if (encoded.length === 0) continue;
          toAppend.push(...encoded);
          // The next command of the batch decides on these events (and knows their ids).
          this.streams.foldAhead(ahead, decision.events);
        } catch (error) {
          item.reject(error);
        }
      }
      if (toAppend.length === 0) {
        for (const d of decided) d.item.resolve({ stream, events: [], appended: null, deduplicated: d.deduplicated, deduplicatedRevisions: d.deduplicatedRevisions });
        return;
      }
      try {
        const result = await this.store.append(streamId, toAppend, expected);
        this.streams.adopt(stream, ahead, result.position);
        for (const d of decided) {
          const appended = d.events.length === 0 ? null : { firstRevision: d.firstRevision, lastRevision: d.firstRevision + d.events.length - 1, position: result.position };
          d.item.resolve({ stream, events: d.events, appended, deduplicated: d.deduplicated, deduplicatedRevisions: d.deduplicatedRevisions });
        }
        return;
      } catch (error) {
        this.streams.forget(streamId);
        const conflict = error instanceof WrongExpectedRevisionError;
        if (!conflict || attempt >= maxRetries) {
          const failure = conflict ? (this.options.conflict?.(streamId, attempt) ?? new ConcurrentChangeError(streamId, attempt)) : error;
          for (const d of decided) d.item.reject(failure);
          return;
        }
        pending = decided.map((d) => d.item);
      }
    }
  }
}

/** How many events a command carries, for sizing a batch: its `events` when it has them, else one. */
function sizeOf(command: unknown): number {
  const events = (command as { events?: unknown } | null)?.events;
  return Array.isArray(events) ? events.length : 1;
}

import { InvalidAppendError } from './errors';
import type { EventToAppend, ExpectedRevision, ReadAllFilter, ReadAllOptions, ReadStreamOptions } from './event-store.port';

/** Lowercase only: EventStoreDB hands ids back in lowercase, so another spelling would not read back as given. */
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/**
 * Checks both adapters make before touching their store, so a malformed call fails the same way
 * everywhere: EventStoreDB would accept an empty batch or a repeated id, the SQLite store could not.
 */
export function validateAppend(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): void {
  if (typeof streamId !== 'string' || streamId.length === 0) throw new InvalidAppendError('stream id must be a non-empty string');
  // `$` names belong to EventStoreDB itself; both adapters leave them out of reads.
  if (streamId.startsWith('$')) throw new InvalidAppendError(`stream ${streamId}: names starting with $ are reserved for the store`);
  if (events.length === 0) throw new InvalidAppendError(`stream ${streamId}: an append needs at least one event`);
  if (typeof expected === 'number' && (!Number.isSafeInteger(expected) || expected < 0)) {
    throw new InvalidAppendError(`stream ${streamId}: expected revision ${expected} is not a revision; use 'no_stream' for a new stream`);
  }
  const seen = new Set<string>();
  for (const event of events) {
    // EventStoreDB stores ids as UUIDs and refuses anything else; the SQLite store refuses the same.
    if (typeof event.id !== 'string' || !UUID.test(event.id)) {
      throw new InvalidAppendError(`stream ${streamId}: event id "${event.id}" is not a lowercase UUID`);
    }
    if (seen.has(event.id)) throw new InvalidAppendError(`stream ${streamId}: event id ${event.id} appears twice in one batch`);
    seen.add(event.id);
    if (typeof event.type !== 'string' || event.type.length === 0 || event.type.startsWith('$')) {
      throw new InvalidAppendError(`stream ${streamId}: event type "${event.type}" is empty or reserved ($)`);
    }
  }
}

export function validateReadStream(options: ReadStreamOptions): { fromRevision: number; limit: number | undefined } {
  const fromRevision = options.fromRevision ?? 0;
  if (!Number.isSafeInteger(fromRevision) || fromRevision < 0) throw new RangeError(`fromRevision must be a revision >= 0, got ${fromRevision}`);
  return { fromRevision, limit: validateLimit(options.limit) };
}

export function validateLimit(limit: number | undefined): number | undefined {
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) throw new RangeError(`limit must be an integer >= 0, got ${limit}`);
  return limit;
}

/** An absent or empty prefix list means every stream. */
export function streamPrefixesOf(filter: ReadAllFilter | ReadAllOptions): string[] | undefined {
  const prefixes = filter.streamPrefixes;
  return prefixes && prefixes.length > 0 ? [...prefixes] : undefined;
}

export function matchesPrefixes(streamId: string, prefixes: readonly string[] | undefined): boolean {
  return prefixes === undefined || prefixes.some((prefix) => streamId.startsWith(prefix));
}

import type { Actor, Principal } from '../principal';
import type { SessionEvent } from './session.events';
import { SESSION_EVENT_SCHEMA_VERSION } from './session.events';

/**
 * How session events are stored: the body as the event's data, the source instant and the
 * client's own id in its metadata. Structural types keep the domain free of store imports.
 */
export interface StoredSessionEvent {
  id: string;
  type: string;
  data: unknown;
  metadata: { occurredAt: string; clientEventId?: unknown; schemaVersion?: unknown };
}

/**
 * One step of the upcaster chain: turns an event stored at `fromVersion` into the next version's
 * shape. Applied on every read, for the projections, the timeline and sessionAsOf alike.
 */
export interface Upcaster {
  type: string;
  fromVersion: number;
  upcast(data: Record<string, unknown>): Record<string, unknown>;
}

/**
 * v1 MODEL_USAGE left out the cache and reasoning token fields when they were zero; v2 always
 * states them, so every reader sees one shape.
 */
const modelUsageV1: Upcaster = {
  type: 'MODEL_USAGE',
  fromVersion: 1,
  upcast(recorded) {
    const data = (recorded.data ?? {}) as Record<string, unknown>;
    return {
      ...recorded,
      data: { ...data, cacheReadTokens: data.cacheReadTokens ?? 0, cacheWriteTokens: data.cacheWriteTokens ?? 0, reasoningTokens: data.reasoningTokens ?? 0 },
    };
  },
};

/**
 * v2 named a cost's source in lower case and called the operator's LEDGER_MODEL_PRICES
 * "price-table"; v3 has four sources (REPORTED, CONFIGURED, PRICE_TABLE for the maintained
 * table, UNPRICED), so a v2 "price-table" is CONFIGURED.
 */
const V2_PRICING_SOURCES: Record<string, string> = { reported: 'REPORTED', 'price-table': 'CONFIGURED', unpriced: 'UNPRICED' };
const modelUsageV2: Upcaster = {
  type: 'MODEL_USAGE',
  fromVersion: 2,
  upcast(recorded) {
    const pricing = recorded.pricing as { source?: string } | undefined;
    if (!pricing || typeof pricing.source !== 'string') return recorded;
    return { ...recorded, pricing: { ...pricing, source: V2_PRICING_SOURCES[pricing.source] ?? pricing.source } };
  },
};

/** The upcaster chain, applied in order of version on every read. */
export const UPCASTERS: readonly Upcaster[] = [modelUsageV1, modelUsageV2];

export function upcastData(type: string, version: number, data: Record<string, unknown>): Record<string, unknown> {
  let current = data;
  for (let v = version; v < SESSION_EVENT_SCHEMA_VERSION; v += 1) {
    for (const step of UPCASTERS) if (step.type === type && step.fromVersion === v) current = step.upcast(current);
  }
  return current;
}

export function decodeSessionEvent(stored: StoredSessionEvent): SessionEvent {
  const version = typeof stored.metadata.schemaVersion === 'number' ? stored.metadata.schemaVersion : SESSION_EVENT_SCHEMA_VERSION;
  const data = upcastData(stored.type, version, stored.data as Record<string, unknown>);
  const clientId = typeof stored.metadata.clientEventId === 'string' ? stored.metadata.clientEventId : undefined;
  return { type: stored.type, data, id: stored.id, at: stored.metadata.occurredAt, ...(clientId ? { clientId } : {}) } as SessionEvent;
}

/** Who and what an append comes from: the metadata every stored event carries. */
export interface EncodeContext {
  actor: Actor;
  correlationId: string;
  causationId: string;
  /** Credential rules redacted from each event, by event id. */
  redactions?: ReadonlyMap<string, string[]>;
}

export interface EncodedEvent {
  id: string;
  type: string;
  /** The event's body, JSON by construction; typed loosely so the store's JSON type need not be imported here. */
  data: never;
  metadata: {
    organizationId: string;
    actor: Principal;
    correlationId: string;
    causationId: string;
    schemaVersion: number;
    redactions: string[];
    occurredAt: string;
    clientEventId?: string;
  };
}

/** The stored form of a session or pin event: the counterpart of `decodeSessionEvent`. */
export function encodeEvent(
  event: { id: string; type: string; at: string; data: unknown; clientId?: string },
  context: EncodeContext,
): EncodedEvent {
  return {
    id: event.id,
    type: event.type,
    data: event.data as never,
    metadata: {
      organizationId: context.actor.organizationId,
      actor: context.actor.principal,
      correlationId: context.correlationId,
      causationId: context.causationId,
      schemaVersion: SESSION_EVENT_SCHEMA_VERSION,
      redactions: context.redactions?.get(event.id) ?? [],
      occurredAt: event.at,
      ...(event.clientId ? { clientEventId: event.clientId } : {}),
    },
  };
}

import {
  Actor,
  ModelUsageData,
  priceModelUsage,
  encodeEvent,
  SessionCommand,
  sessionDecider,
  SessionEvent,
  SessionState,
  sessionStreamId,
  SYSTEM_PRINCIPAL,
  type Principal,
} from '@ledger/domain';
import { FoldedStreams, type EventToAppend, type ExpectedRevision } from '@ledger/event-store';
import type { Prng, RunEventDraft, SessionPlan, SessionStep } from '../data';

/** What one command appends: ready for EventStore.append or for raw rows. */
export interface AppendBatch {
  streamId: string;
  /** Revision before the append (-1 for a new stream). */
  revision: number;
  expected: ExpectedRevision;
  events: EventToAppend[];
  /** Epoch ms of the command, the store's recordedAt for a historical fill. */
  at: number;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Decides plan steps with the generic command handler's own core (`FoldedStreams`: deduplicate,
 * decide, fold) and the domain's session decider, without appending, so a caller can write the
 * result through the EventStore or as raw rows in big transactions. Metadata is what the API's
 * session command handler writes.
 */
export class StreamBuilder {
  private readonly streams = new FoldedStreams<SessionCommand, SessionEvent, SessionState>(sessionDecider, Number.MAX_SAFE_INTEGER);

  constructor(private readonly prng: Prng) {}

  /** The command a plan step stands for. `stepIndex` -1 is the session's start. */
  command(plan: SessionPlan, stepIndex: number): { command: SessionCommand; redactions: Map<string, string[]> } {
    const ingest: Actor = { organizationId: plan.organizationId, principal: plan.start.owner, roles: ['INGEST'] };
    const redactions = new Map<string, string[]>();
    if (stepIndex === -1) {
      const { owner: _owner, ...fields } = plan.start;
      return {
        command: { type: 'StartSession', sessionId: plan.sessionId, actor: ingest, at: iso(plan.at), eventId: this.prng.uuid(), ...fields },
        redactions,
      };
    }
    const step = plan.steps[stepIndex]!;
    return { command: this.stepCommand(plan, step, ingest, redactions), redactions };
  }

  private stepCommand(plan: SessionPlan, step: SessionStep, ingest: Actor, redactions: Map<string, string[]>): SessionCommand {
    const base = { sessionId: plan.sessionId, at: iso(step.at) };
    const operator = (principal: Principal): Actor => ({ organizationId: plan.organizationId, principal, roles: ['OPERATOR'] });
    switch (step.kind) {
      case 'startRun':
        return { ...base, type: 'StartRun', actor: ingest, eventId: this.prng.uuid(), runId: step.runId, model: step.model, input: step.input };
      case 'append':
        return {
          ...base,
          type: 'AppendRunEvents',
          actor: ingest,
          runId: step.runId,
          events: step.events.map((draft) => this.recordable(draft, redactions)),
        };
      case 'finishRun':
        return { ...base, type: 'FinishRun', actor: ingest, eventId: this.prng.uuid(), runId: step.runId, status: step.status, output: step.output, error: step.error };
      case 'resolveCheckpoint':
        return { ...base, type: 'ResolveCheckpoint', actor: operator(step.by), eventId: this.prng.uuid(), runId: step.runId, decision: step.decision, comment: step.comment };
      case 'end':
        return { ...base, type: 'EndSession', actor: step.by ? operator(step.by) : ingest, eventId: this.prng.uuid(), status: step.status, reason: step.reason };
      case 'timeout':
        return { ...base, type: 'TimeOutSession', actor: { organizationId: plan.organizationId, principal: SYSTEM_PRINCIPAL, roles: ['ADMIN'] }, eventId: this.prng.uuid() };
      default: {
        const _never: never = step;
        return _never;
      }
    }
  }

  /** A run event as the write side records it: redacted data, and MODEL_USAGE priced at ingest. */
  recordable(draft: RunEventDraft, redactions: Map<string, string[]>, clientId?: string) {
    const id = this.prng.uuid();
    if (draft.rules.length) redactions.set(id, draft.rules);
    const data = draft.redacted;
    const pricing = draft.type === 'MODEL_USAGE' ? priceModelUsage(data as unknown as ModelUsageData, {}) : undefined;
    return { id, ...(clientId ? { clientId } : {}), type: draft.type, at: iso(draft.at), data, ...(pricing ? { pricing } : {}) };
  }

  /** Decides a command against the session's state; returns what to append (null when nothing). */
  decide(command: SessionCommand, redactions: Map<string, string[]>, at: number): AppendBatch | null {
    const stream = this.streams.get(sessionStreamId(command.sessionId));
    const { events, expected } = this.streams.decide(stream, command);
    if (events.length === 0) return null;
    const correlationId = this.prng.uuid();
    const causationId = command.type === 'AppendRunEvents' ? events[0]!.id : (command as { eventId: string }).eventId;
    const toAppend: EventToAppend[] = events.map((event) => encodeEvent(event, { actor: command.actor, correlationId, causationId, redactions }));
    const batch: AppendBatch = { streamId: stream.streamId, revision: stream.revision, expected, events: toAppend, at };
    // As if appended: the batch is written later, through the store or as raw rows.
    this.streams.fold(stream, events, stream.revision + events.length, null);
    return batch;
  }

  /** Decides one plan step (-1: the start). */
  step(plan: SessionPlan, stepIndex: number): AppendBatch | null {
    const { command, redactions } = this.command(plan, stepIndex);
    const at = stepIndex === -1 ? plan.at : plan.steps[stepIndex]!.at;
    return this.decide(command, redactions, at);
  }

  revisionOf(sessionId: string): number {
    return this.streams.get(sessionStreamId(sessionId)).revision;
  }

  /** Drops a finished session's state (a fill of 100 000 sessions keeps only the open ones). */
  forget(sessionId: string): void {
    this.streams.forget(sessionStreamId(sessionId));
  }
}

/** A min-heap on (time, order): interleaves the steps of sessions that overlap in time. */
class StepHeap {
  private readonly items: { at: number; order: number; plan: SessionPlan; step: number }[] = [];

  get size(): number {
    return this.items.length;
  }

  peekAt(): number {
    return this.items[0]!.at;
  }

  push(item: { at: number; order: number; plan: SessionPlan; step: number }): void {
    const a = this.items;
    a.push(item);
    let i = a.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!less(a[i]!, a[parent]!)) break;
      [a[i], a[parent]] = [a[parent]!, a[i]!];
      i = parent;
    }
  }

  pop(): { at: number; order: number; plan: SessionPlan; step: number } {
    const a = this.items;
    const top = a[0]!;
    const last = a.pop()!;
    if (a.length > 0) {
      a[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < a.length && less(a[l]!, a[m]!)) m = l;
        if (r < a.length && less(a[r]!, a[m]!)) m = r;
        if (m === i) break;
        [a[i], a[m]] = [a[m]!, a[i]!];
        i = m;
      }
    }
    return top;
  }
}

function less(a: { at: number; order: number }, b: { at: number; order: number }): boolean {
  return a.at < b.at || (a.at === b.at && a.order < b.order);
}

/**
 * Plans (in start order) to their steps in global time order, as many clients reporting at
 * once would interleave them. Yields (plan, step index), -1 being the start.
 */
export function* interleave(plans: Iterable<SessionPlan>): Generator<{ plan: SessionPlan; step: number; last: boolean }> {
  const heap = new StepHeap();
  let order = 0;
  const iterator = plans[Symbol.iterator]();
  let pending = iterator.next();
  for (;;) {
    while (!pending.done && (heap.size === 0 || pending.value.at <= heap.peekAt())) {
      heap.push({ at: pending.value.at, order: order++, plan: pending.value, step: -1 });
      pending = iterator.next();
    }
    if (heap.size === 0) return;
    const item = heap.pop();
    const next = item.step + 1;
    const last = next >= item.plan.steps.length;
    if (!last) heap.push({ at: Math.max(item.at, item.plan.steps[next]!.at), order: order++, plan: item.plan, step: next });
    yield { plan: item.plan, step: item.step, last };
  }
}

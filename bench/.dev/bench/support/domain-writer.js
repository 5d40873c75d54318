"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.StreamBuilder = void 0;
exports.interleave = interleave;
const domain_1 = require("../../libs/domain/src/index.js");
const iso = (ms) => new Date(ms).toISOString();
/**
 * Decides plan steps with the domain's own `decide` and keeps each session's state, without
 * appending: the same pattern as libs/projections' ScenarioWriter, split so a caller can write
 * the result through the EventStore or as raw rows in big transactions. Metadata is what the
 * API's SessionRepository writes.
 */
class StreamBuilder {
    prng;
    states = new Map();
    constructor(prng) {
        this.prng = prng;
    }
    /** The command a plan step stands for. `stepIndex` -1 is the session's start. */
    command(plan, stepIndex) {
        const ingest = { organizationId: plan.organizationId, principal: plan.start.owner, roles: ['INGEST'] };
        const redactions = new Map();
        if (stepIndex === -1) {
            const { owner: _owner, ...fields } = plan.start;
            return {
                command: { type: 'StartSession', sessionId: plan.sessionId, actor: ingest, at: iso(plan.at), eventId: this.prng.uuid(), ...fields },
                redactions,
            };
        }
        const step = plan.steps[stepIndex];
        return { command: this.stepCommand(plan, step, ingest, redactions), redactions };
    }
    stepCommand(plan, step, ingest, redactions) {
        const base = { sessionId: plan.sessionId, at: iso(step.at) };
        const operator = (principal) => ({ organizationId: plan.organizationId, principal, roles: ['OPERATOR'] });
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
                return { ...base, type: 'TimeOutSession', actor: { organizationId: plan.organizationId, principal: domain_1.SYSTEM_PRINCIPAL, roles: ['ADMIN'] }, eventId: this.prng.uuid() };
            default: {
                const _never = step;
                return _never;
            }
        }
    }
    /** A run event as the write side records it: redacted data, and MODEL_USAGE priced at ingest. */
    recordable(draft, redactions, clientId) {
        const id = this.prng.uuid();
        if (draft.rules.length)
            redactions.set(id, draft.rules);
        const data = draft.redacted;
        const pricing = draft.type === 'MODEL_USAGE' ? (0, domain_1.priceModelUsage)(data, {}) : undefined;
        return { id, ...(clientId ? { clientId } : {}), type: draft.type, at: iso(draft.at), data, ...(pricing ? { pricing } : {}) };
    }
    /** Decides a command against the session's state; returns what to append (null when nothing). */
    decide(command, redactions, at) {
        const entry = this.states.get(command.sessionId) ?? { state: (0, domain_1.initialState)(), revision: -1 };
        const events = (0, domain_1.decide)(command, entry.state);
        if (events.length === 0)
            return null;
        const correlationId = this.prng.uuid();
        const causationId = command.type === 'AppendRunEvents' ? events[0].id : command.eventId;
        const toAppend = events.map((event) => ({
            id: event.id,
            type: event.type,
            data: event.data,
            metadata: {
                organizationId: command.actor.organizationId,
                actor: command.actor.principal,
                correlationId,
                causationId,
                schemaVersion: domain_1.SESSION_EVENT_SCHEMA_VERSION,
                redactions: redactions.get(event.id) ?? [],
                occurredAt: event.at,
                ...(event.clientId ? { clientEventId: event.clientId } : {}),
            },
        }));
        const batch = {
            streamId: (0, domain_1.sessionStreamId)(command.sessionId),
            revision: entry.revision,
            expected: entry.revision === -1 ? 'no_stream' : entry.revision,
            events: toAppend,
            at,
        };
        let { state, revision } = entry;
        for (const event of events)
            state = (0, domain_1.evolve)(state, event, ++revision);
        this.states.set(command.sessionId, { state, revision });
        return batch;
    }
    /** Decides one plan step (-1: the start). */
    step(plan, stepIndex) {
        const { command, redactions } = this.command(plan, stepIndex);
        const at = stepIndex === -1 ? plan.at : plan.steps[stepIndex].at;
        return this.decide(command, redactions, at);
    }
    revisionOf(sessionId) {
        return this.states.get(sessionId)?.revision ?? -1;
    }
    /** Drops a finished session's state (a fill of 100 000 sessions keeps only the open ones). */
    forget(sessionId) {
        this.states.delete(sessionId);
    }
}
exports.StreamBuilder = StreamBuilder;
/** A min-heap on (time, order): interleaves the steps of sessions that overlap in time. */
class StepHeap {
    items = [];
    get size() {
        return this.items.length;
    }
    peekAt() {
        return this.items[0].at;
    }
    push(item) {
        const a = this.items;
        a.push(item);
        let i = a.length - 1;
        while (i > 0) {
            const parent = (i - 1) >> 1;
            if (!less(a[i], a[parent]))
                break;
            [a[i], a[parent]] = [a[parent], a[i]];
            i = parent;
        }
    }
    pop() {
        const a = this.items;
        const top = a[0];
        const last = a.pop();
        if (a.length > 0) {
            a[0] = last;
            let i = 0;
            for (;;) {
                const l = 2 * i + 1;
                const r = l + 1;
                let m = i;
                if (l < a.length && less(a[l], a[m]))
                    m = l;
                if (r < a.length && less(a[r], a[m]))
                    m = r;
                if (m === i)
                    break;
                [a[i], a[m]] = [a[m], a[i]];
                i = m;
            }
        }
        return top;
    }
}
function less(a, b) {
    return a.at < b.at || (a.at === b.at && a.order < b.order);
}
/**
 * Plans (in start order) to their steps in global time order, as many clients reporting at
 * once would interleave them. Yields (plan, step index), -1 being the start.
 */
function* interleave(plans) {
    const heap = new StepHeap();
    let order = 0;
    const iterator = plans[Symbol.iterator]();
    let pending = iterator.next();
    for (;;) {
        while (!pending.done && (heap.size === 0 || pending.value.at <= heap.peekAt())) {
            heap.push({ at: pending.value.at, order: order++, plan: pending.value, step: -1 });
            pending = iterator.next();
        }
        if (heap.size === 0)
            return;
        const item = heap.pop();
        const next = item.step + 1;
        const last = next >= item.plan.steps.length;
        if (!last)
            heap.push({ at: Math.max(item.at, item.plan.steps[next].at), order: order++, plan: item.plan, step: next });
        yield { plan: item.plan, step: item.step, last };
    }
}
//# sourceMappingURL=domain-writer.js.map
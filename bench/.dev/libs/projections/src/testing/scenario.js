"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ORG_B_INGEST = exports.ORG_A_OPERATOR = exports.ORG_A_INGEST = exports.ScenarioWriter = void 0;
exports.writeMixedScenario = writeMixedScenario;
const domain_1 = require("../../../domain/src/index.js");
/**
 * Writes sessions through the domain's own decide, straight to an event store: what the command
 * side would store, for projection tests and benchmarks that need realistic streams fast.
 */
class ScenarioWriter {
    store;
    states = new Map();
    counter = 0;
    constructor(store) {
        this.store = store;
    }
    nextId(label) {
        this.counter += 1;
        return (0, domain_1.deterministicUuid)('scenario', label, String(this.counter));
    }
    /** Decides and appends one command; returns the number of events written. */
    async run(command) {
        const entry = this.states.get(command.sessionId) ?? { state: (0, domain_1.initialState)(), revision: -1 };
        const events = (0, domain_1.decide)(command, entry.state);
        if (events.length === 0)
            return 0;
        const toAppend = events.map((event) => ({
            id: event.id,
            type: event.type,
            data: event.data,
            metadata: {
                organizationId: command.actor.organizationId,
                actor: command.actor.principal,
                correlationId: event.id,
                causationId: event.id,
                schemaVersion: domain_1.SESSION_EVENT_SCHEMA_VERSION,
                redactions: [],
                occurredAt: event.at,
                ...(event.clientId ? { clientEventId: event.clientId } : {}),
            },
        }));
        await this.store.append((0, domain_1.sessionStreamId)(command.sessionId), toAppend, entry.revision === -1 ? 'no_stream' : entry.revision);
        let { state, revision } = entry;
        for (const event of events)
            state = (0, domain_1.evolve)(state, event, ++revision);
        this.states.set(command.sessionId, { state, revision });
        return events.length;
    }
    async pin(actor, sessionId, pinned, at) {
        const stream = (0, domain_1.pinsStreamId)(actor.organizationId, actor.principal.type, actor.principal.id);
        const stored = await this.store.readStream(stream);
        const current = new Set();
        for (const event of stored) {
            const id = event.data.sessionId;
            if (event.type === 'SessionPinned')
                current.add(id);
            else
                current.delete(id);
        }
        const events = (0, domain_1.decidePins)({ type: 'SetPinned', actor, sessionId, pinned, at, eventId: this.nextId('pin') }, current);
        if (events.length === 0)
            return;
        await this.store.append(stream, events.map((event) => ({
            id: event.id,
            type: event.type,
            data: event.data,
            metadata: {
                organizationId: actor.organizationId,
                actor: actor.principal,
                correlationId: event.id,
                causationId: event.id,
                schemaVersion: domain_1.SESSION_EVENT_SCHEMA_VERSION,
                redactions: [],
                occurredAt: at,
            },
        })), stored.length === 0 ? 'no_stream' : stored[stored.length - 1].revision);
    }
    id(label) {
        return this.nextId(label);
    }
}
exports.ScenarioWriter = ScenarioWriter;
exports.ORG_A_INGEST = { organizationId: 'org-a', principal: { type: 'MANAGED_AGENT', id: 'agent-1', name: 'Agent One' }, roles: ['INGEST'] };
exports.ORG_A_OPERATOR = { organizationId: 'org-a', principal: { type: 'USER', id: 'olga' }, roles: ['OPERATOR'] };
exports.ORG_B_INGEST = { organizationId: 'org-b', principal: { type: 'SERVICE', id: 'svc-b' }, roles: ['INGEST'] };
function at(base, minutes) {
    return new Date(base + minutes * 60_000).toISOString();
}
/**
 * A small but complete history: every session kind, subagents, runs with every run event type,
 * a checkpoint approved and one rejected, failures, usage across models and flows, pins, and a
 * second organization.
 */
async function writeMixedScenario(writer, baseTime = Date.parse('2026-11-01T10:00:00.000Z')) {
    const sessions = [];
    const sid = (n) => `session_${(0, domain_1.deterministicUuid)('mixed', String(n)).replace(/-/g, '')}`;
    for (let n = 0; n < 8; n += 1) {
        const sessionId = sid(n);
        sessions.push(sessionId);
        const actor = n === 7 ? exports.ORG_B_INGEST : exports.ORG_A_INGEST;
        const kind = ['CHAT', 'FLOW_RUN', 'BACKGROUND_TASK', 'RUNTIME'][n % 4];
        await writer.run({
            type: 'StartSession',
            sessionId,
            actor,
            at: at(baseTime, n),
            eventId: writer.id('start'),
            kind,
            title: `Session ${n}`,
            flowId: kind === 'FLOW_RUN' ? 'flow-deploy' : null,
            totalSteps: kind === 'FLOW_RUN' ? 3 : null,
            tags: n % 2 ? ['odd'] : ['even'],
            parentSessionId: n === 5 ? sid(1) : null,
            subagent: n === 5 ? { name: 'helper', task: 'look things up' } : null,
            metadata: { team: n % 3 === 0 ? 'core' : 'edge' },
        });
        const runId = `run-${n}`;
        await writer.run({ type: 'StartRun', sessionId, actor, at: at(baseTime, n + 1), eventId: writer.id('run'), runId, model: n % 2 ? 'gpt-x' : 'claude-y' });
        await writer.run({
            type: 'AppendRunEvents',
            sessionId,
            actor,
            at: at(baseTime, n + 2),
            runId,
            events: [
                { id: writer.id('e'), type: 'MESSAGE', at: at(baseTime, n + 2), data: { role: 'user', text: `question ${n}` } },
                { id: writer.id('e'), type: 'TOOL_CALL', at: at(baseTime, n + 2), data: { toolCallId: `tc-${n}`, name: 'search', arguments: { q: n } } },
                { id: writer.id('e'), type: 'TOOL_RESULT', at: at(baseTime, n + 3), data: { toolCallId: `tc-${n}`, status: n === 3 ? 'failed' : 'succeeded', output: { hits: n } } },
                { id: writer.id('e'), type: 'COMMAND', at: at(baseTime, n + 3), data: { command: 'ls', exitCode: 0 } },
                { id: writer.id('e'), type: 'STEP', at: at(baseTime, n + 3), data: { index: 1, name: 'first' } },
                {
                    id: writer.id('e'),
                    type: 'MODEL_USAGE',
                    at: at(baseTime, n * 70 + 4),
                    data: { model: n % 2 ? 'gpt-x' : 'claude-y', inputTokens: 100 * (n + 1), outputTokens: 10 * (n + 1), cacheReadTokens: n, ...(n % 3 === 0 ? {} : { costUsd: 0.01 * n }) },
                    pricing: n % 3 === 0 ? { costUsd: 0, source: 'unpriced' } : { costUsd: 0.01 * n, source: 'reported' },
                },
                { id: writer.id('e'), type: 'MESSAGE', at: at(baseTime, n * 70 + 5), data: { role: 'assistant', text: `answer ${n}` } },
            ],
        });
        if (kind === 'FLOW_RUN') {
            await writer.run({ type: 'AppendRunEvents', sessionId, actor, at: at(baseTime, n + 6), runId, events: [{ id: writer.id('e'), type: 'CHECKPOINT', at: at(baseTime, n * 70 + 6), data: { name: 'approve' } }] });
            await writer.run({
                type: 'ResolveCheckpoint',
                sessionId,
                actor: { ...exports.ORG_A_OPERATOR, organizationId: actor.organizationId },
                at: at(baseTime, n * 70 + 7),
                eventId: writer.id('resolve'),
                runId,
                decision: n === 1 ? 'APPROVE' : 'REJECT',
                comment: 'decided',
            });
        }
        if (n === 2) {
            await writer.run({ type: 'FinishRun', sessionId, actor, at: at(baseTime, n * 70 + 8), eventId: writer.id('finish'), runId, status: 'FAILED', error: { code: 'E', message: 'boom' } });
            await writer.run({ type: 'EndSession', sessionId, actor, at: at(baseTime, n * 70 + 9), eventId: writer.id('end'), status: 'FAILED', reason: 'gave up' });
        }
        if (n === 6) {
            await writer.run({ type: 'AppendRunEvents', sessionId, actor, at: at(baseTime, n * 70 + 8), runId: null, events: [{ id: writer.id('e'), type: 'STATUS', at: at(baseTime, n * 70 + 8), data: { status: 'BLOCKED' } }] });
        }
    }
    await writer.pin(exports.ORG_A_OPERATOR, sessions[1], true, at(baseTime, 600));
    await writer.pin(exports.ORG_A_OPERATOR, sessions[2], true, at(baseTime, 601));
    await writer.pin(exports.ORG_A_OPERATOR, sessions[2], false, at(baseTime, 602));
    return sessions;
}
//# sourceMappingURL=scenario.js.map
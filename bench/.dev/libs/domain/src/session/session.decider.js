"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PREVIEW_LENGTH = exports.DEFAULT_IDLE_TIMEOUT_SECONDS = void 0;
exports.initialState = initialState;
exports.evolve = evolve;
exports.idleDeadline = idleDeadline;
exports.decide = decide;
exports.fold = fold;
const errors_1 = require("../errors");
const principal_1 = require("../principal");
const usage_1 = require("../usage");
const run_event_data_1 = require("./run-event-data");
const session_status_1 = require("./session.status");
/** Idle timeout of a RUNTIME session when the start gives none. */
exports.DEFAULT_IDLE_TIMEOUT_SECONDS = 1800;
exports.PREVIEW_LENGTH = 200;
function initialState() {
    return { view: null, runs: new Map() };
}
function truncate(text, length = exports.PREVIEW_LENGTH) {
    return text.length <= length ? text : text.slice(0, length);
}
function later(a, b) {
    return a >= b ? a : b;
}
/** Applies one recorded event. Deterministic: no clock, no randomness, no I/O. */
function evolve(state, event, revision) {
    if (event.type === 'SessionStarted') {
        const d = event.data;
        return {
            runs: state.runs,
            view: {
                id: d.sessionId,
                organizationId: d.organizationId,
                kind: d.kind,
                status: d.status,
                accountId: d.accountId,
                title: d.title,
                tags: d.tags,
                owner: d.owner,
                source: d.source,
                initiative: d.initiative,
                flowId: d.flowId,
                model: d.model,
                parentSessionId: d.parentSessionId,
                subagent: d.subagent,
                environment: d.environment,
                totalSteps: d.totalSteps,
                idleTimeoutSeconds: d.idleTimeoutSeconds,
                metadata: d.metadata,
                stepIndex: 0,
                stepTotal: null,
                runCount: 0,
                messageCount: 0,
                commandCount: 0,
                preview: null,
                outputPreview: null,
                lastError: null,
                usage: { ...usage_1.ZERO_USAGE },
                createdAt: event.at,
                lastActivityAt: event.at,
                lastMessageAt: null,
                endedAt: null,
                endedBy: null,
                endReason: null,
                sequence: revision,
            },
        };
    }
    const previous = state.view;
    if (!previous)
        return state;
    const view = { ...previous, sequence: revision, lastActivityAt: later(previous.lastActivityAt, event.at) };
    const runs = state.runs;
    switch (event.type) {
        case 'SessionUpdated': {
            const d = event.data;
            if (d.title !== undefined)
                view.title = d.title;
            if (d.tags !== undefined)
                view.tags = d.tags;
            if (d.status !== undefined)
                view.status = d.status;
            if (d.metadata !== undefined)
                view.metadata = d.metadata;
            break;
        }
        case 'RunStarted': {
            runs.set(event.data.runId, { status: 'RUNNING' });
            view.runCount += 1;
            view.model = view.model ?? event.data.model;
            if (view.status === 'PENDING' || view.status === 'QUEUED' || view.status === 'PROVISIONING')
                view.status = 'RUNNING';
            break;
        }
        case 'RunFinished': {
            const d = event.data;
            runs.set(d.runId, { status: d.status });
            if (d.error)
                view.lastError = { code: d.error.code, message: d.error.message, at: event.at };
            if (typeof d.output === 'string')
                view.outputPreview = truncate(d.output);
            break;
        }
        case 'CheckpointResolved': {
            const d = event.data;
            if (d.decision === 'APPROVE') {
                runs.set(d.runId, { status: 'RUNNING' });
                view.status = 'RUNNING';
            }
            else {
                runs.set(d.runId, { status: 'FAILED' });
                view.status = 'REJECTED';
                view.endedAt = event.at;
                view.endedBy = d.resolvedBy;
                view.endReason = d.comment ?? `checkpoint rejected`;
            }
            break;
        }
        case 'SessionEnded': {
            const d = event.data;
            view.status = d.status;
            view.endedAt = event.at;
            view.endedBy = d.endedBy;
            view.endReason = d.reason;
            break;
        }
        case 'MESSAGE': {
            const { role, text } = event.data.data;
            view.messageCount += 1;
            view.lastMessageAt = view.lastMessageAt === null ? event.at : later(view.lastMessageAt, event.at);
            if (role === 'user' && view.preview === null)
                view.preview = truncate(text);
            if (role === 'assistant')
                view.outputPreview = truncate(text);
            break;
        }
        case 'COMMAND':
            view.commandCount += 1;
            break;
        case 'STEP': {
            const { index, total } = event.data.data;
            view.stepIndex = index;
            if (typeof total === 'number')
                view.stepTotal = total;
            break;
        }
        case 'CHECKPOINT': {
            if (event.data.runId)
                runs.set(event.data.runId, { status: 'WAITING' });
            view.status = 'PAUSED';
            break;
        }
        case 'MODEL_USAGE': {
            view.usage = (0, usage_1.addUsage)(view.usage, (0, usage_1.usageOfRecorded)(event.data));
            view.model = view.model ?? event.data.data.model;
            break;
        }
        case 'STATUS':
            view.status = event.data.data.status;
            break;
        case 'ERROR': {
            const { code, message } = event.data.data;
            view.lastError = { code, message, at: event.at };
            break;
        }
        case 'REASONING_SUMMARY':
        case 'OUTPUT_DELTA':
        case 'TOOL_CALL':
        case 'TOOL_RESULT':
        case 'FILE_EDIT':
        case 'LOG':
            break;
        default: {
            const _never = event;
            return _never;
        }
    }
    return { view, runs };
}
// ---------------------------------------------------------------- decide
const WRITERS = ['INGEST', 'ADMIN'];
const OPERATORS = ['OPERATOR', 'ADMIN'];
const UPDATERS = ['INGEST', 'OPERATOR', 'ADMIN'];
function requireRole(actor, allowed, what) {
    if (!actor.roles.some((role) => allowed.includes(role))) {
        throw new errors_1.ForbiddenError(`${what} needs one of the roles ${allowed.join(', ')}; this key has ${actor.roles.join(', ') || 'none'}`);
    }
}
/** The session, visible to the actor's organization, or NOT_FOUND (never FORBIDDEN across organizations). */
function requireSession(state, command) {
    const view = state.view;
    if (!view || view.organizationId !== command.actor.organizationId) {
        throw new errors_1.NotFoundError(`session ${command.sessionId} not found`);
    }
    return view;
}
function requireOpen(view) {
    if ((0, session_status_1.isTerminal)(view.status))
        throw new errors_1.SessionEndedError(view.id, view.status);
}
function requireSequence(view, expected) {
    if (expected !== null && expected !== undefined && expected !== view.sequence) {
        throw new errors_1.ConflictError(`expectedSequence ${expected} does not match the session's last sequence ${view.sequence}`, {
            sequence: view.sequence,
        });
    }
}
function requireRun(state, view, runId) {
    const run = state.runs.get(runId);
    if (!run)
        throw new errors_1.NotFoundError(`run ${runId} not found in session ${view.id}`);
    return run;
}
function refuseIfProblems(problems) {
    if (problems.length > 0) {
        throw new errors_1.BadUserInputError(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
    }
}
function decideStart(state, c) {
    requireRole(c.actor, WRITERS, 'startSession');
    if (state.view) {
        // A repeated start (same source or idempotency key) returns the existing session.
        requireSession(state, c);
        return [];
    }
    const problems = [];
    if (c.status && (0, session_status_1.isTerminal)(c.status)) {
        problems.push({ field: 'status', message: `must be a starting status, not the terminal ${c.status}` });
    }
    if (c.subagent && !c.parentSessionId) {
        problems.push({ field: 'subagent', message: 'needs parentSessionId: a subagent is spawned by a parent session' });
    }
    if (c.parentSessionId === c.sessionId) {
        problems.push({ field: 'parentSessionId', message: 'a session cannot be its own parent' });
    }
    if (c.idleTimeoutSeconds !== null && c.idleTimeoutSeconds !== undefined && c.kind !== 'RUNTIME') {
        problems.push({ field: 'idleTimeoutSeconds', message: 'applies to RUNTIME sessions only' });
    }
    if (c.totalSteps !== null && c.totalSteps !== undefined && c.kind !== 'FLOW_RUN') {
        problems.push({ field: 'totalSteps', message: 'applies to FLOW_RUN sessions only' });
    }
    refuseIfProblems(problems);
    return [
        {
            type: 'SessionStarted',
            id: c.eventId,
            at: c.at,
            data: {
                sessionId: c.sessionId,
                organizationId: c.actor.organizationId,
                kind: c.kind,
                status: c.status ?? (0, session_status_1.defaultStatusFor)(c.kind),
                accountId: c.accountId ?? c.actor.organizationId,
                title: c.title ?? null,
                tags: c.tags ?? [],
                owner: c.owner ?? c.actor.principal,
                source: c.source ?? null,
                idempotencyKey: c.idempotencyKey ?? null,
                initiative: c.initiative ?? null,
                flowId: c.flowId ?? null,
                model: c.model ?? null,
                parentSessionId: c.parentSessionId ?? null,
                subagent: c.subagent ?? null,
                environment: c.environment ?? null,
                totalSteps: c.totalSteps ?? null,
                idleTimeoutSeconds: c.kind === 'RUNTIME' ? (c.idleTimeoutSeconds ?? exports.DEFAULT_IDLE_TIMEOUT_SECONDS) : null,
                metadata: c.metadata ?? null,
            },
        },
    ];
}
function decideUpdate(state, c) {
    requireRole(c.actor, UPDATERS, 'updateSession');
    const view = requireSession(state, c);
    requireOpen(view);
    requireSequence(view, c.expectedSequence);
    if (c.status && (0, session_status_1.isTerminal)(c.status)) {
        throw errors_1.BadUserInputError.field('status', `${c.status} is terminal: end the session with endSession instead`);
    }
    const data = { type: 'SessionUpdated', id: c.eventId, at: c.at, data: {} };
    if (c.title !== undefined)
        data.data.title = c.title;
    if (c.tags !== undefined && c.tags !== null)
        data.data.tags = c.tags;
    if (c.status !== undefined && c.status !== null)
        data.data.status = c.status;
    if (c.metadata !== undefined)
        data.data.metadata = c.metadata;
    if (Object.keys(data.data).length === 0) {
        throw new errors_1.BadUserInputError('nothing to update: give at least one of title, tags, status, metadata', [
            { field: 'input', message: 'give at least one of title, tags, status, metadata' },
        ]);
    }
    return [data];
}
function decideStartRun(state, c) {
    requireRole(c.actor, WRITERS, 'startRun');
    const view = requireSession(state, c);
    if (state.runs.has(c.runId))
        return [];
    requireOpen(view);
    return [{ type: 'RunStarted', id: c.eventId, at: c.at, data: { runId: c.runId, model: c.model ?? null, input: c.input ?? null } }];
}
function decideAppend(state, c) {
    requireRole(c.actor, WRITERS, 'appendRunEvents');
    const view = requireSession(state, c);
    requireOpen(view);
    requireSequence(view, c.expectedSequence);
    const runId = c.runId ?? null;
    if (runId !== null) {
        const run = requireRun(state, view, runId);
        if ((0, session_status_1.isRunFinished)(run.status)) {
            throw new errors_1.ConflictError(`run ${runId} is ${run.status}; a finished run takes no more events`, run.status);
        }
    }
    const problems = [];
    c.events.forEach((event, index) => {
        const path = `events[${index}]`;
        problems.push(...(0, run_event_data_1.validateRunEventData)(event.type, event.data, `${path}.data`));
        if (event.type === 'CHECKPOINT' && runId === null) {
            problems.push({ field: `${path}.type`, message: 'CHECKPOINT needs a runId: it is the run that waits for approval' });
        }
        const status = event.data.status;
        if (event.type === 'STATUS' && typeof status === 'string' && (0, session_status_1.isTerminal)(status)) {
            problems.push({ field: `${path}.data.status`, message: `${status} is terminal: end the session with endSession instead` });
        }
    });
    refuseIfProblems(problems);
    return c.events.map((event) => {
        const data = event.type === 'MODEL_USAGE' ? withExplicitTokenFields(event.data) : event.data;
        const recorded = { runId, data, ...(event.pricing ? { pricing: event.pricing } : {}) };
        return { type: event.type, id: event.id, at: event.at, ...(event.clientId ? { clientId: event.clientId } : {}), data: recorded };
    });
}
/** Schema v2 states every token field of MODEL_USAGE, zero when the reporter left it out. */
function withExplicitTokenFields(data) {
    return { ...data, cacheReadTokens: data.cacheReadTokens ?? 0, cacheWriteTokens: data.cacheWriteTokens ?? 0, reasoningTokens: data.reasoningTokens ?? 0 };
}
function decideFinishRun(state, c) {
    requireRole(c.actor, WRITERS, 'finishRun');
    const view = requireSession(state, c);
    const run = requireRun(state, view, c.runId);
    if ((0, session_status_1.isRunFinished)(run.status)) {
        if (run.status === c.status)
            return [];
        throw new errors_1.ConflictError(`run ${c.runId} is already ${run.status}`, run.status);
    }
    requireOpen(view);
    return [
        {
            type: 'RunFinished',
            id: c.eventId,
            at: c.at,
            data: { runId: c.runId, status: c.status, output: (c.output ?? null), error: c.error ?? null },
        },
    ];
}
function decideResolveCheckpoint(state, c) {
    requireRole(c.actor, OPERATORS, 'resolveCheckpoint');
    const view = requireSession(state, c);
    const run = requireRun(state, view, c.runId);
    requireOpen(view);
    if (run.status !== 'WAITING') {
        throw new errors_1.ConflictError(`run ${c.runId} is ${run.status}, not WAITING at a checkpoint`, run.status);
    }
    return [
        {
            type: 'CheckpointResolved',
            id: c.eventId,
            at: c.at,
            data: { runId: c.runId, decision: c.decision, comment: c.comment ?? null, resolvedBy: c.actor.principal },
        },
    ];
}
function decideEnd(state, c) {
    const view = requireSession(state, c);
    const isOwner = (0, principal_1.samePrincipal)(view.owner, c.actor.principal);
    if (!(c.actor.roles.includes('INGEST') && isOwner))
        requireRole(c.actor, OPERATORS, 'endSession (of a session this key does not own)');
    const status = c.status ?? 'ENDED';
    if (!session_status_1.END_STATUSES.includes(status)) {
        throw errors_1.BadUserInputError.field('status', `must be one of ${session_status_1.END_STATUSES.join(', ')}; got ${status}`);
    }
    if ((0, session_status_1.isTerminal)(view.status)) {
        if (view.status === status)
            return [];
        throw new errors_1.SessionEndedError(view.id, view.status);
    }
    return [
        {
            type: 'SessionEnded',
            id: c.eventId,
            at: c.at,
            data: { status: status, reason: c.reason ?? null, endedBy: c.actor.principal },
        },
    ];
}
/** When an idle RUNTIME session times out: its last activity plus its idle timeout. */
function idleDeadline(view) {
    if (view.kind !== 'RUNTIME' || (0, session_status_1.isTerminal)(view.status) || view.idleTimeoutSeconds === null)
        return null;
    return new Date(Date.parse(view.lastActivityAt) + view.idleTimeoutSeconds * 1000).toISOString();
}
function decideTimeOut(state, c) {
    const view = requireSession(state, c);
    const deadline = idleDeadline(view);
    if (deadline === null || deadline > c.at)
        return [];
    return [
        {
            type: 'SessionEnded',
            id: c.eventId,
            at: c.at,
            data: { status: 'TIMED_OUT', reason: `no activity for ${view.idleTimeoutSeconds} seconds`, endedBy: principal_1.SYSTEM_PRINCIPAL },
        },
    ];
}
/** What the command means, given the session's state: the events to append, or a refusal. */
function decide(command, state) {
    switch (command.type) {
        case 'StartSession':
            return decideStart(state, command);
        case 'UpdateSession':
            return decideUpdate(state, command);
        case 'StartRun':
            return decideStartRun(state, command);
        case 'AppendRunEvents':
            return decideAppend(state, command);
        case 'FinishRun':
            return decideFinishRun(state, command);
        case 'ResolveCheckpoint':
            return decideResolveCheckpoint(state, command);
        case 'EndSession':
            return decideEnd(state, command);
        case 'TimeOutSession':
            return decideTimeOut(state, command);
        default: {
            const _never = command;
            return _never;
        }
    }
}
function fold(events, state = initialState()) {
    let current = state;
    for (const { event, revision } of events)
        current = evolve(current, event, revision);
    return current;
}
//# sourceMappingURL=session.decider.js.map
import { BadUserInputError, ConflictError, FieldProblem, ForbiddenError, NotFoundError, SessionEndedError } from '../errors';
import { Actor, Principal, samePrincipal, SYSTEM_PRINCIPAL } from '../principal';
import { addUsage, ModelUsageData, TokenUsage, usageOfRecorded, ZERO_USAGE } from '../usage';
import { validateRunEventData } from './run-event-data';
import { decodeSessionEvent } from './session.codec';
import type {
  AppendRunEvents,
  EndSession,
  FinishRun,
  ResolveCheckpoint,
  SessionCommand,
  StartRun,
  StartSession,
  TimeOutSession,
  UpdateSession,
} from './session.commands';
import type { ErrorInfo, Json, JsonRecord, SessionEvent, SessionStarted } from './session.events';
import {
  defaultStatusFor,
  END_STATUSES,
  EndStatus,
  isRunFinished,
  isTerminal,
  RunStatus,
  SessionStatus,
} from './session.status';

/** Idle timeout of a RUNTIME session when the start gives none. */
export const DEFAULT_IDLE_TIMEOUT_SECONDS = 1800;
export const PREVIEW_LENGTH = 200;

/**
 * The session as its events tell it, in a fixed size whatever the number of runs and events:
 * this is what the sessions read model stores and what sessionAsOf returns.
 */
export interface SessionView extends Omit<SessionStarted, 'sessionId' | 'idempotencyKey'> {
  id: string;
  stepIndex: number;
  stepTotal: number | null;
  runCount: number;
  messageCount: number;
  commandCount: number;
  preview: string | null;
  outputPreview: string | null;
  lastError: ErrorInfo | null;
  usage: TokenUsage;
  createdAt: string;
  lastActivityAt: string;
  lastMessageAt: string | null;
  endedAt: string | null;
  endedBy: Principal | null;
  endReason: string | null;
  /** Stream revision of the last event applied: the timeline's last sequence. */
  sequence: number;
}

export interface RunState {
  status: RunStatus;
}

/**
 * The decider's state. `runs` is the run table `decide` consults; `evolve` updates it in place
 * because a long background task may hold many thousands of runs and copying the table on every
 * event would make a fold quadratic. The view is replaced, never mutated.
 */
export interface SessionState {
  view: SessionView | null;
  runs: Map<string, RunState>;
}

export function initialState(): SessionState {
  return { view: null, runs: new Map() };
}

function truncate(text: string, length = PREVIEW_LENGTH): string {
  return text.length <= length ? text : text.slice(0, length);
}

function later(a: string, b: string): string {
  return a >= b ? a : b;
}

/** Applies one recorded event. Deterministic: no clock, no randomness, no I/O. */
export function evolve(state: SessionState, event: SessionEvent, revision: number): SessionState {
  if (event.type === 'SessionStarted') return { runs: state.runs, view: startedView(event, revision) };
  const previous = state.view;
  if (!previous) return state;
  const view: SessionView = { ...previous };
  step(view, state.runs, event, revision);
  return { view, runs: state.runs };
}

/**
 * The state after `events` (in revision order), as `evolve` one by one gives it, with one copy of
 * the view however many events there are (the run table is updated in place, as `evolve` does).
 */
export function evolveAll(state: SessionState, events: Iterable<{ event: SessionEvent; revision: number }>): SessionState {
  const view = foldView(state.view, state.runs, events);
  return view === state.view ? state : { view, runs: state.runs };
}

/**
 * The view after `events`, as `evolve` one by one gives it, with one copy of the view: a
 * projection folds a batch of one session this way. `view` itself is not changed.
 */
export function evolveView(view: SessionView | null, events: Iterable<{ event: SessionEvent; revision: number }>): SessionView | null {
  return foldView(view, new Map(), events);
}

function foldView(view: SessionView | null, runs: Map<string, RunState>, events: Iterable<{ event: SessionEvent; revision: number }>): SessionView | null {
  let current = view;
  let owned = false;
  for (const { event, revision } of events) {
    if (event.type === 'SessionStarted') {
      current = startedView(event, revision);
      owned = true;
    } else if (current) {
      if (!owned) current = { ...current };
      owned = true;
      step(current, runs, event, revision);
    }
  }
  return current;
}

function startedView(event: Extract<SessionEvent, { type: 'SessionStarted' }>, revision: number): SessionView {
  const d = event.data;
  return {
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
    usage: { ...ZERO_USAGE },
    createdAt: event.at,
    lastActivityAt: event.at,
    lastMessageAt: null,
    endedAt: null,
    endedBy: null,
    endReason: null,
    sequence: revision,
  };
}

/** One event after the start, applied to a view the caller owns (a copy made for the fold). */
function step(view: SessionView, runs: Map<string, RunState>, event: Exclude<SessionEvent, { type: 'SessionStarted' }>, revision: number): void {
  view.sequence = revision;
  view.lastActivityAt = later(view.lastActivityAt, event.at);
  switch (event.type) {
    case 'SessionUpdated': {
      const d = event.data;
      if (d.title !== undefined) view.title = d.title;
      if (d.tags !== undefined) view.tags = d.tags;
      if (d.status !== undefined) view.status = d.status;
      if (d.metadata !== undefined) view.metadata = d.metadata;
      break;
    }
    case 'RunStarted': {
      runs.set(event.data.runId, { status: 'RUNNING' });
      view.runCount += 1;
      view.model = view.model ?? event.data.model;
      if (view.status === 'PENDING' || view.status === 'QUEUED' || view.status === 'PROVISIONING') view.status = 'RUNNING';
      break;
    }
    case 'RunFinished': {
      const d = event.data;
      runs.set(d.runId, { status: d.status });
      if (d.error) view.lastError = { code: d.error.code, message: d.error.message, at: event.at };
      if (typeof d.output === 'string') view.outputPreview = truncate(d.output);
      break;
    }
    case 'CheckpointResolved': {
      const d = event.data;
      if (d.decision === 'APPROVE') {
        runs.set(d.runId, { status: 'RUNNING' });
        view.status = 'RUNNING';
      } else {
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
      const { role, text } = event.data.data as { role: string; text: string };
      view.messageCount += 1;
      view.lastMessageAt = view.lastMessageAt === null ? event.at : later(view.lastMessageAt, event.at);
      if (role === 'user' && view.preview === null) view.preview = truncate(text);
      if (role === 'assistant') view.outputPreview = truncate(text);
      break;
    }
    case 'COMMAND':
      view.commandCount += 1;
      break;
    case 'STEP': {
      const { index, total } = event.data.data as { index: number; total?: number };
      view.stepIndex = index;
      if (typeof total === 'number') view.stepTotal = total;
      break;
    }
    case 'CHECKPOINT': {
      if (event.data.runId) runs.set(event.data.runId, { status: 'WAITING' });
      view.status = 'PAUSED';
      break;
    }
    case 'MODEL_USAGE': {
      view.usage = addUsage(view.usage, usageOfRecorded(event.data));
      view.model = view.model ?? (event.data.data as unknown as ModelUsageData).model;
      break;
    }
    case 'STATUS':
      view.status = (event.data.data as { status: SessionStatus }).status;
      break;
    case 'ERROR': {
      const { code, message } = event.data.data as { code: string; message: string };
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
      const _never: never = event;
      return _never;
    }
  }
}

// ---------------------------------------------------------------- decide

const WRITERS = ['INGEST', 'ADMIN'] as const;
const OPERATORS = ['OPERATOR', 'ADMIN'] as const;
const UPDATERS = ['INGEST', 'OPERATOR', 'ADMIN'] as const;

function requireRole(actor: Actor, allowed: readonly string[], what: string): void {
  if (!actor.roles.some((role) => allowed.includes(role))) {
    throw new ForbiddenError(`${what} needs one of the roles ${allowed.join(', ')}; this key has ${actor.roles.join(', ') || 'none'}`);
  }
}

/** The session, visible to the actor's organization, or NOT_FOUND (never FORBIDDEN across organizations). */
function requireSession(state: SessionState, command: SessionCommand): SessionView {
  const view = state.view;
  if (!view || view.organizationId !== command.actor.organizationId) {
    throw new NotFoundError(`session ${command.sessionId} not found`);
  }
  return view;
}

function requireOpen(view: SessionView): void {
  if (isTerminal(view.status)) throw new SessionEndedError(view.id, view.status);
}

function requireSequence(view: SessionView, expected: number | null | undefined): void {
  if (expected !== null && expected !== undefined && expected !== view.sequence) {
    throw new ConflictError(`expectedSequence ${expected} does not match the session's last sequence ${view.sequence}`, {
      sequence: view.sequence,
    });
  }
}

function requireRun(state: SessionState, view: SessionView, runId: string): RunState {
  const run = state.runs.get(runId);
  if (!run) throw new NotFoundError(`run ${runId} not found in session ${view.id}`);
  return run;
}

function refuseIfProblems(problems: FieldProblem[]): void {
  if (problems.length > 0) {
    throw new BadUserInputError(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
  }
}

function decideStart(state: SessionState, c: StartSession): SessionEvent[] {
  requireRole(c.actor, WRITERS, 'startSession');
  if (state.view) {
    // A repeated start (same source or idempotency key) returns the existing session.
    requireSession(state, c);
    return [];
  }
  const problems: FieldProblem[] = [];
  if (c.status && isTerminal(c.status)) {
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
        status: c.status ?? defaultStatusFor(c.kind),
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
        idleTimeoutSeconds: c.kind === 'RUNTIME' ? (c.idleTimeoutSeconds ?? DEFAULT_IDLE_TIMEOUT_SECONDS) : null,
        metadata: c.metadata ?? null,
      },
    },
  ];
}

function decideUpdate(state: SessionState, c: UpdateSession): SessionEvent[] {
  requireRole(c.actor, UPDATERS, 'updateSession');
  const view = requireSession(state, c);
  requireOpen(view);
  requireSequence(view, c.expectedSequence);
  if (c.status && isTerminal(c.status)) {
    throw BadUserInputError.field('status', `${c.status} is terminal: end the session with endSession instead`);
  }
  const data: SessionEvent & { type: 'SessionUpdated' } = { type: 'SessionUpdated', id: c.eventId, at: c.at, data: {} };
  if (c.title !== undefined) data.data.title = c.title;
  if (c.tags !== undefined && c.tags !== null) data.data.tags = c.tags;
  if (c.status !== undefined && c.status !== null) data.data.status = c.status;
  if (c.metadata !== undefined) data.data.metadata = c.metadata;
  if (Object.keys(data.data).length === 0) {
    throw new BadUserInputError('nothing to update: give at least one of title, tags, status, metadata', [
      { field: 'input', message: 'give at least one of title, tags, status, metadata' },
    ]);
  }
  return [data];
}

function decideStartRun(state: SessionState, c: StartRun): SessionEvent[] {
  requireRole(c.actor, WRITERS, 'startRun');
  const view = requireSession(state, c);
  if (state.runs.has(c.runId)) return [];
  requireOpen(view);
  return [{ type: 'RunStarted', id: c.eventId, at: c.at, data: { runId: c.runId, model: c.model ?? null, input: c.input ?? null, ...(c.agentName ? { agentName: c.agentName } : {}) } }];
}

function decideAppend(state: SessionState, c: AppendRunEvents): SessionEvent[] {
  requireRole(c.actor, WRITERS, 'appendRunEvents');
  const view = requireSession(state, c);
  requireOpen(view);
  requireSequence(view, c.expectedSequence);
  const runId = c.runId ?? null;
  if (runId !== null) {
    const run = requireRun(state, view, runId);
    if (isRunFinished(run.status)) {
      throw new ConflictError(`run ${runId} is ${run.status}; a finished run takes no more events`, run.status);
    }
  }
  const problems: FieldProblem[] = [];
  c.events.forEach((event, index) => {
    const path = `events[${index}]`;
    problems.push(...validateRunEventData(event.type, event.data, `${path}.data`));
    if (event.type === 'CHECKPOINT' && runId === null) {
      problems.push({ field: `${path}.type`, message: 'CHECKPOINT needs a runId: it is the run that waits for approval' });
    }
    const status = (event.data as { status?: unknown }).status;
    if (event.type === 'STATUS' && typeof status === 'string' && isTerminal(status as SessionStatus)) {
      problems.push({ field: `${path}.data.status`, message: `${status} is terminal: end the session with endSession instead` });
    }
  });
  refuseIfProblems(problems);
  return c.events.map((event): SessionEvent => {
    const data = event.type === 'MODEL_USAGE' ? withExplicitTokenFields(event.data) : event.data;
    const recorded = { runId, data, ...(event.pricing ? { pricing: event.pricing } : {}) };
    return { type: event.type, id: event.id, at: event.at, ...(event.clientId ? { clientId: event.clientId } : {}), data: recorded };
  });
}

/** Schema v2 states every token field of MODEL_USAGE, zero when the reporter left it out. */
function withExplicitTokenFields(data: JsonRecord): JsonRecord {
  return { ...data, cacheReadTokens: data.cacheReadTokens ?? 0, cacheWriteTokens: data.cacheWriteTokens ?? 0, reasoningTokens: data.reasoningTokens ?? 0 };
}

function decideFinishRun(state: SessionState, c: FinishRun): SessionEvent[] {
  requireRole(c.actor, WRITERS, 'finishRun');
  const view = requireSession(state, c);
  const run = requireRun(state, view, c.runId);
  if (isRunFinished(run.status)) {
    if (run.status === c.status) return [];
    throw new ConflictError(`run ${c.runId} is already ${run.status}`, run.status);
  }
  requireOpen(view);
  return [
    {
      type: 'RunFinished',
      id: c.eventId,
      at: c.at,
      data: { runId: c.runId, status: c.status, output: (c.output ?? null) as Json, error: c.error ?? null },
    },
  ];
}

function decideResolveCheckpoint(state: SessionState, c: ResolveCheckpoint): SessionEvent[] {
  requireRole(c.actor, OPERATORS, 'resolveCheckpoint');
  const view = requireSession(state, c);
  const run = requireRun(state, view, c.runId);
  requireOpen(view);
  if (run.status !== 'WAITING') {
    throw new ConflictError(`run ${c.runId} is ${run.status}, not WAITING at a checkpoint`, run.status);
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

function decideEnd(state: SessionState, c: EndSession): SessionEvent[] {
  const view = requireSession(state, c);
  const isOwner = samePrincipal(view.owner, c.actor.principal);
  if (!(c.actor.roles.includes('INGEST') && isOwner)) requireRole(c.actor, OPERATORS, 'endSession (of a session this key does not own)');
  const status = c.status ?? 'ENDED';
  if (!(END_STATUSES as readonly string[]).includes(status)) {
    throw BadUserInputError.field('status', `must be one of ${END_STATUSES.join(', ')}; got ${status}`);
  }
  if (isTerminal(view.status)) {
    if (view.status === status) return [];
    throw new SessionEndedError(view.id, view.status);
  }
  return [
    {
      type: 'SessionEnded',
      id: c.eventId,
      at: c.at,
      data: { status: status as EndStatus, reason: c.reason ?? null, endedBy: c.actor.principal },
    },
  ];
}

/** When an idle RUNTIME session times out: its last activity plus its idle timeout. */
export function idleDeadline(view: SessionView): string | null {
  if (view.kind !== 'RUNTIME' || isTerminal(view.status) || view.idleTimeoutSeconds === null) return null;
  return new Date(Date.parse(view.lastActivityAt) + view.idleTimeoutSeconds * 1000).toISOString();
}

function decideTimeOut(state: SessionState, c: TimeOutSession): SessionEvent[] {
  const view = requireSession(state, c);
  const deadline = idleDeadline(view);
  if (deadline === null || deadline > c.at) return [];
  return [
    {
      type: 'SessionEnded',
      id: c.eventId,
      at: c.at,
      data: { status: 'TIMED_OUT', reason: `no activity for ${view.idleTimeoutSeconds} seconds`, endedBy: SYSTEM_PRINCIPAL },
    },
  ];
}

/** What the command means, given the session's state: the events to append, or a refusal. */
export function decide(command: SessionCommand, state: SessionState): SessionEvent[] {
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
      const _never: never = command;
      return _never;
    }
  }
}

export function fold(events: Iterable<{ event: SessionEvent; revision: number }>, state = initialState()): SessionState {
  return evolveAll(state, events);
}

/**
 * A retried appendRunEvents carries ids already stored: those events are dropped before deciding,
 * so they are stored once. When all of them were stored, nothing is left to decide.
 */
export function withoutStoredEvents(
  command: SessionCommand,
  stored: ReadonlyMap<string, number>,
): { command: SessionCommand | null; storedRevisions: number[] } {
  if (command.type !== 'AppendRunEvents') return { command, storedRevisions: [] };
  const storedRevisions: number[] = [];
  const fresh = command.events.filter((event) => {
    const revision = stored.get(event.id);
    if (revision === undefined) return true;
    storedRevisions.push(revision);
    return false;
  });
  if (fresh.length === command.events.length) return { command, storedRevisions };
  if (fresh.length === 0) return { command: null, storedRevisions };
  // The client's expectedSequence described the batch as first sent; the stored part moved the session on.
  const effective: AppendRunEvents = { ...command, events: fresh, expectedSequence: null };
  return { command: effective, storedRevisions };
}

/** The session decider as the generic command handler folds it. */
export const sessionDecider = {
  initialState,
  evolve,
  evolveAll,
  decide,
  decode: decodeSessionEvent,
  deduplicate: withoutStoredEvents,
};

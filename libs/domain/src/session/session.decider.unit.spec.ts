import { Actor } from '../principal';
import { LedgerError } from '../errors';
import { decide, evolve, evolveAll, evolveView, fold, initialState, SessionState, SessionView } from './session.decider';
import type { SessionCommand, StartSession } from './session.commands';
import type { SessionEvent } from './session.events';
import { activeUntil, DEFAULT_WINDOWS, FOREVER, progressOf } from './session.views';

const T0 = '2026-11-01T10:00:00.000Z';
const T1 = '2026-11-01T10:01:00.000Z';
const T2 = '2026-11-01T10:02:00.000Z';
const SID = 'session_0123456789abcdef0123456789abcdef';
const ingest: Actor = { organizationId: 'org-a', principal: { type: 'MANAGED_AGENT', id: 'agent-1' }, roles: ['INGEST'] };
const operator: Actor = { organizationId: 'org-a', principal: { type: 'USER', id: 'ops' }, roles: ['OPERATOR'] };
const viewer: Actor = { organizationId: 'org-a', principal: { type: 'USER', id: 'v' }, roles: ['VIEWER'] };
const stranger: Actor = { organizationId: 'org-b', principal: { type: 'USER', id: 'x' }, roles: ['ADMIN'] };
const windows = DEFAULT_WINDOWS;

function start(overrides: Partial<StartSession> = {}): StartSession {
  return { type: 'StartSession', sessionId: SID, actor: ingest, at: T0, eventId: 'e-start', kind: 'FLOW_RUN', ...overrides };
}

/** Folds the given events, the way the repository does after reading them. */
function given(...commands: SessionCommand[]): SessionState {
  let state = initialState();
  let revision = -1;
  for (const command of commands) {
    for (const event of decide(command, state)) state = evolve(state, event, ++revision);
  }
  return state;
}

function when(state: SessionState, command: SessionCommand): SessionEvent[] {
  return decide(command, state);
}

function refusal(state: SessionState, command: SessionCommand): { code: string; message: string } {
  try {
    decide(command, state);
  } catch (error) {
    if (error instanceof LedgerError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected a refusal, got events');
}

function view(state: SessionState): SessionView {
  if (!state.view) throw new Error('no session');
  return state.view;
}

const runEvents = (events: { type: string; data: Record<string, unknown>; id?: string; at?: string }[], runId: string | null = 'r1', actor = ingest): SessionCommand => ({
  type: 'AppendRunEvents',
  sessionId: SID,
  actor,
  at: T1,
  runId,
  events: events.map((e, i) => ({ id: e.id ?? `ev-${i}`, type: e.type as never, at: e.at ?? T1, data: e.data as never })),
});
const startRun = (runId = 'r1'): SessionCommand => ({ type: 'StartRun', sessionId: SID, actor: ingest, at: T1, eventId: `e-run-${runId}`, runId });

describe('StartSession', () => {
  it('given no session, when started, then SessionStarted with the defaults of its kind', () => {
    const events = when(initialState(), start({ kind: 'BACKGROUND_TASK' }));
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({
      type: 'SessionStarted',
      id: 'e-start',
      at: T0,
      data: { sessionId: SID, organizationId: 'org-a', kind: 'BACKGROUND_TASK', status: 'QUEUED', accountId: 'org-a', owner: ingest.principal, tags: [] },
    });
  });

  it.each([
    ['FLOW_RUN', 'PENDING'],
    ['BACKGROUND_TASK', 'QUEUED'],
    ['CHAT', 'OPEN'],
    ['RUNTIME', 'OPEN'],
  ] as const)('a %s session starts %s', (kind, status) => {
    expect(view(given(start({ kind }))).status).toBe(status);
  });

  it('a RUNTIME session gets the default idle timeout of 1800 s', () => {
    expect(view(given(start({ kind: 'RUNTIME' }))).idleTimeoutSeconds).toBe(1800);
  });

  it('given the session exists, when started again, then nothing is appended', () => {
    expect(when(given(start()), start({ title: 'other' }))).toEqual([]);
  });

  it('refuses a terminal initial status, a subagent without parent, misplaced kind options', () => {
    expect(refusal(initialState(), start({ status: 'COMPLETED' })).code).toBe('BAD_USER_INPUT');
    expect(refusal(initialState(), start({ subagent: { name: 'x' } })).code).toBe('BAD_USER_INPUT');
    expect(refusal(initialState(), start({ kind: 'CHAT', idleTimeoutSeconds: 5 })).code).toBe('BAD_USER_INPUT');
    expect(refusal(initialState(), start({ kind: 'CHAT', totalSteps: 5 })).code).toBe('BAD_USER_INPUT');
    expect(refusal(initialState(), start({ parentSessionId: SID })).code).toBe('BAD_USER_INPUT');
  });

  it('refuses a VIEWER with FORBIDDEN', () => {
    expect(refusal(initialState(), start({ actor: viewer })).code).toBe('FORBIDDEN');
  });

  it('another organization starting the same id sees NOT_FOUND, never the session', () => {
    expect(refusal(given(start()), start({ actor: stranger })).code).toBe('NOT_FOUND');
  });
});

describe('UpdateSession', () => {
  const update = (overrides: Record<string, unknown> = {}): SessionCommand =>
    ({ type: 'UpdateSession', sessionId: SID, actor: operator, at: T1, eventId: 'e-up', ...overrides }) as SessionCommand;

  it('given a session, when updated, then SessionUpdated holds only the fields given', () => {
    const events = when(given(start()), update({ title: 'New', status: 'BLOCKED' }));
    expect(events).toEqual([{ type: 'SessionUpdated', id: 'e-up', at: T1, data: { title: 'New', status: 'BLOCKED' } }]);
    const after = evolve(given(start()), events[0]!, 1);
    expect(view(after)).toMatchObject({ title: 'New', status: 'BLOCKED', sequence: 1, lastActivityAt: T1 });
  });

  it('refuses a terminal status, an empty update and a stale expectedSequence', () => {
    expect(refusal(given(start()), update({ status: 'COMPLETED' })).code).toBe('BAD_USER_INPUT');
    expect(refusal(given(start()), update({})).code).toBe('BAD_USER_INPUT');
    const conflict = refusal(given(start()), update({ title: 'x', expectedSequence: 3 }));
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.message).toContain('last sequence 0');
  });
});

describe('StartRun', () => {
  it('moves a PENDING flow to RUNNING and counts the run', () => {
    const events = when(given(start()), startRun());
    expect(events).toEqual([{ type: 'RunStarted', id: 'e-run-r1', at: T1, data: { runId: 'r1', model: null, input: null } }]);
    const state = given(start(), startRun());
    expect(view(state)).toMatchObject({ status: 'RUNNING', runCount: 1 });
    expect(state.runs.get('r1')).toEqual({ status: 'RUNNING' });
  });

  it('is idempotent by run id', () => {
    expect(when(given(start(), startRun()), startRun())).toEqual([]);
  });

  it('refuses an ended session with SESSION_ENDED', () => {
    const ended = given(start(), { type: 'EndSession', sessionId: SID, actor: operator, at: T1, eventId: 'e-end' });
    expect(refusal(ended, startRun()).code).toBe('SESSION_ENDED');
  });
});

describe('AppendRunEvents: every run event type', () => {
  const base = () => given(start({ kind: 'CHAT' }), startRun());

  it('MESSAGE counts messages, sets the preview from the first user message and output preview from the assistant', () => {
    const long = 'x'.repeat(300);
    const events = when(base(), runEvents([
      { type: 'MESSAGE', data: { role: 'user', text: 'hello there' } },
      { type: 'MESSAGE', data: { role: 'user', text: 'second' } },
      { type: 'MESSAGE', data: { role: 'assistant', text: long } },
    ]));
    expect(events.map((e) => e.type)).toEqual(['MESSAGE', 'MESSAGE', 'MESSAGE']);
    expect(events[0]).toMatchObject({ data: { runId: 'r1', data: { role: 'user', text: 'hello there' } } });
    const state = fold(events.map((event, i) => ({ event, revision: 2 + i })), base());
    expect(view(state)).toMatchObject({ messageCount: 3, preview: 'hello there', outputPreview: 'x'.repeat(200), lastMessageAt: T1 });
    expect(progressOf(view(state)).label).toBe('3 messages');
  });

  it.each([
    ['REASONING_SUMMARY', { text: 'thinking' }],
    ['OUTPUT_DELTA', { text: 'partial' }],
    ['TOOL_CALL', { toolCallId: 't1', name: 'search', arguments: { q: 'x' } }],
    ['TOOL_RESULT', { toolCallId: 't1', status: 'succeeded', output: 'ok', durationMs: 12 }],
    ['FILE_EDIT', { path: 'a.ts', before: 'a', after: 'b' }],
    ['LOG', { level: 'info', message: 'hello' }],
  ])('%s is recorded with its data and only touches last activity', (type, data) => {
    const before = view(base());
    const events = when(base(), runEvents([{ type, data, at: T2 }]));
    expect(events).toEqual([{ type, id: 'ev-0', at: T2, data: { runId: 'r1', data } }]);
    const after = view(evolve(base(), events[0]!, 2));
    expect(after).toEqual({ ...before, sequence: 2, lastActivityAt: T2 });
  });

  it('COMMAND counts commands for a RUNTIME session', () => {
    const state = given(start({ kind: 'RUNTIME' }), startRun(), runEvents([{ type: 'COMMAND', data: { command: 'ls', exitCode: 0 } }]));
    expect(progressOf(view(state))).toEqual({ current: 1, total: null, unit: 'commands', label: '1 command' });
  });

  it('STEP sets progress "Step i of n" from the step total or totalSteps', () => {
    const flow = given(start({ totalSteps: 5 }), startRun(), runEvents([{ type: 'STEP', data: { index: 2, name: 'fetch' } }]));
    expect(progressOf(view(flow)).label).toBe('Step 2 of 5');
    const withTotal = given(start(), startRun(), runEvents([{ type: 'STEP', data: { index: 3, total: 7 } }]));
    expect(progressOf(view(withTotal))).toEqual({ current: 3, total: 7, unit: 'steps', label: 'Step 3 of 7' });
  });

  it('CHECKPOINT moves the run to WAITING and the session to PAUSED', () => {
    const state = given(start(), startRun(), runEvents([{ type: 'CHECKPOINT', data: { name: 'deploy?' } }]));
    expect(view(state).status).toBe('PAUSED');
    expect(state.runs.get('r1')?.status).toBe('WAITING');
  });

  it('MODEL_USAGE adds to the session usage, with the price fixed at ingest', () => {
    const command = runEvents([{ type: 'MODEL_USAGE', data: { model: 'gpt-x', inputTokens: 100, outputTokens: 50, cacheReadTokens: 10, reasoningTokens: 5 } }]);
    (command as { events: { pricing?: unknown }[] }).events[0]!.pricing = { costUsd: 0.25, source: 'CONFIGURED' };
    const state = given(start(), startRun(), command);
    expect(view(state).usage).toEqual({
      requests: 1,
      inputTokens: 100,
      outputTokens: 50,
      cacheReadTokens: 10,
      cacheWriteTokens: 0,
      reasoningTokens: 5,
      totalTokens: 160,
      costUsd: 0.25,
      unpricedRequests: 0,
      reportedCostRequests: 0,
      configuredCostRequests: 1,
      priceTableCostRequests: 0,
    });
  });

  it('MODEL_USAGE without a cost or a price counts as unpriced', () => {
    const state = given(start(), runEvents([{ type: 'MODEL_USAGE', data: { model: 'm', inputTokens: 1, outputTokens: 1 } }], null));
    expect(view(state).usage).toMatchObject({ requests: 1, costUsd: 0, unpricedRequests: 1 });
  });

  it('STATUS changes the session status; ERROR sets lastError', () => {
    const state = given(
      start({ kind: 'RUNTIME' }),
      runEvents([{ type: 'STATUS', data: { status: 'BLOCKED' } }, { type: 'ERROR', data: { code: 'E1', message: 'boom' } }], null),
    );
    expect(view(state)).toMatchObject({ status: 'BLOCKED', lastError: { code: 'E1', message: 'boom', at: T1 } });
  });

  it('refuses missing required data fields with every field named', () => {
    const problem = refusal(base(), runEvents([{ type: 'MESSAGE', data: { role: 'robot' } }, { type: 'MODEL_USAGE', data: { model: 'm', inputTokens: -1 } }]));
    expect(problem.code).toBe('BAD_USER_INPUT');
    expect(problem.message).toContain('events[0].data.role must be one of user, assistant, system, tool');
    expect(problem.message).toContain('events[0].data.text is required for MESSAGE');
    expect(problem.message).toContain('events[1].data.inputTokens must be at least 0');
    expect(problem.message).toContain('events[1].data.outputTokens is required for MODEL_USAGE');
  });

  it('refuses a CHECKPOINT without a run, a terminal STATUS, an unknown run, a finished run', () => {
    expect(refusal(base(), runEvents([{ type: 'CHECKPOINT', data: { name: 'x' } }], null)).code).toBe('BAD_USER_INPUT');
    expect(refusal(base(), runEvents([{ type: 'STATUS', data: { status: 'COMPLETED' } }], null)).code).toBe('BAD_USER_INPUT');
    expect(refusal(base(), runEvents([{ type: 'LOG', data: { message: 'x' } }], 'nope')).code).toBe('NOT_FOUND');
    const finished = given(start(), startRun(), { type: 'FinishRun', sessionId: SID, actor: ingest, at: T1, eventId: 'f', runId: 'r1', status: 'COMPLETED' });
    expect(refusal(finished, runEvents([{ type: 'LOG', data: { message: 'x' } }])).code).toBe('CONFLICT');
  });

  it('keeps unknown data fields', () => {
    const events = when(base(), runEvents([{ type: 'LOG', data: { message: 'x', extra: { deep: [1, 2] } } }]));
    expect(events[0]).toMatchObject({ data: { data: { message: 'x', extra: { deep: [1, 2] } } } });
  });
});

describe('FinishRun', () => {
  const finish = (status: 'COMPLETED' | 'FAILED' | 'CANCELLED', extra: Record<string, unknown> = {}): SessionCommand =>
    ({ type: 'FinishRun', sessionId: SID, actor: ingest, at: T2, eventId: 'e-fin', runId: 'r1', status, ...extra }) as SessionCommand;

  it('records the outcome; a failure becomes lastError', () => {
    const events = when(given(start(), startRun()), finish('FAILED', { error: { code: 'OOM', message: 'out of memory' } }));
    expect(events).toEqual([
      { type: 'RunFinished', id: 'e-fin', at: T2, data: { runId: 'r1', status: 'FAILED', output: null, error: { code: 'OOM', message: 'out of memory' } } },
    ]);
    const state = given(start(), startRun(), finish('FAILED', { error: { code: 'OOM', message: 'out of memory' } }));
    expect(view(state).lastError).toEqual({ code: 'OOM', message: 'out of memory', at: T2 });
    expect(state.runs.get('r1')?.status).toBe('FAILED');
  });

  it('is idempotent for the same status, CONFLICT for another, NOT_FOUND for an unknown run', () => {
    const done = given(start(), startRun(), finish('COMPLETED'));
    expect(when(done, finish('COMPLETED'))).toEqual([]);
    expect(refusal(done, finish('FAILED')).code).toBe('CONFLICT');
    expect(refusal(given(start()), finish('COMPLETED')).code).toBe('NOT_FOUND');
  });
});

describe('ResolveCheckpoint', () => {
  const waiting = () => given(start(), startRun(), runEvents([{ type: 'CHECKPOINT', data: { name: 'approve deploy' } }]));
  const resolve = (decision: 'APPROVE' | 'REJECT', actor = operator): SessionCommand => ({
    type: 'ResolveCheckpoint',
    sessionId: SID,
    actor,
    at: T2,
    eventId: 'e-res',
    runId: 'r1',
    decision,
    comment: 'looks fine',
  });

  it('APPROVE moves the run and session back to RUNNING', () => {
    expect(when(waiting(), resolve('APPROVE'))).toEqual([
      { type: 'CheckpointResolved', id: 'e-res', at: T2, data: { runId: 'r1', decision: 'APPROVE', comment: 'looks fine', resolvedBy: operator.principal } },
    ]);
    const state = given(start(), startRun(), runEvents([{ type: 'CHECKPOINT', data: { name: 'x' } }]), resolve('APPROVE'));
    expect(view(state).status).toBe('RUNNING');
    expect(state.runs.get('r1')?.status).toBe('RUNNING');
  });

  it('REJECT fails the run and moves the session to REJECTED, which ends it', () => {
    const state = given(start(), startRun(), runEvents([{ type: 'CHECKPOINT', data: { name: 'x' } }]), resolve('REJECT'));
    expect(view(state)).toMatchObject({ status: 'REJECTED', endedAt: T2, endedBy: operator.principal });
    expect(state.runs.get('r1')?.status).toBe('FAILED');
    expect(refusal(state, startRun('r2')).code).toBe('SESSION_ENDED');
  });

  it('refuses a run that is not waiting, and an INGEST key', () => {
    expect(refusal(given(start(), startRun()), resolve('APPROVE')).code).toBe('CONFLICT');
    expect(refusal(waiting(), resolve('APPROVE', ingest)).code).toBe('FORBIDDEN');
  });
});

describe('EndSession', () => {
  const end = (actor: Actor, status?: string): SessionCommand =>
    ({ type: 'EndSession', sessionId: SID, actor, at: T2, eventId: 'e-end', status, reason: 'done' }) as SessionCommand;

  it('an operator ends any session; the owner (INGEST) ends its own', () => {
    expect(when(given(start()), end(operator))).toEqual([
      { type: 'SessionEnded', id: 'e-end', at: T2, data: { status: 'ENDED', reason: 'done', endedBy: operator.principal } },
    ]);
    expect(when(given(start()), end(ingest, 'COMPLETED'))[0]).toMatchObject({ data: { status: 'COMPLETED' } });
  });

  it('an INGEST key that does not own the session is FORBIDDEN', () => {
    const other: Actor = { ...ingest, principal: { type: 'SERVICE', id: 'other' } };
    expect(refusal(given(start()), end(other)).code).toBe('FORBIDDEN');
  });

  it('refuses statuses outside COMPLETED, FAILED, CANCELLED, ENDED', () => {
    expect(refusal(given(start()), end(operator, 'TIMED_OUT')).code).toBe('BAD_USER_INPUT');
  });

  it('ending again with the same status is a no-op; with another, SESSION_ENDED', () => {
    const ended = given(start(), end(operator));
    expect(view(ended)).toMatchObject({ status: 'ENDED', endedAt: T2, endReason: 'done' });
    expect(when(ended, end(operator))).toEqual([]);
    expect(refusal(ended, end(operator, 'FAILED')).code).toBe('SESSION_ENDED');
  });
});

describe('TimeOutSession', () => {
  const timeout = (at: string): SessionCommand => ({ type: 'TimeOutSession', sessionId: SID, actor: { ...operator, roles: [] }, at, eventId: 'e-to' });
  const runtime = () => given(start({ kind: 'RUNTIME', idleTimeoutSeconds: 60 }));

  it('ends an idle RUNTIME session as TIMED_OUT by the system once its timeout has passed', () => {
    expect(when(runtime(), timeout('2026-11-01T10:00:59.999Z'))).toEqual([]);
    const events = when(runtime(), timeout('2026-11-01T10:01:00.000Z'));
    expect(events).toMatchObject([{ type: 'SessionEnded', data: { status: 'TIMED_OUT', endedBy: { type: 'SERVICE', id: 'agent-ledger' } } }]);
  });

  it('does nothing to a session that has ended or is not a RUNTIME', () => {
    expect(when(given(start({ kind: 'CHAT' })), timeout('2030-01-01T00:00:00.000Z'))).toEqual([]);
  });
});

describe('Active', () => {
  it('FLOW_RUN and BACKGROUND_TASK are active by status; CHAT by its last message; RUNTIME by its idle timeout', () => {
    expect(activeUntil(view(given(start())), windows)).toBe(FOREVER);
    expect(activeUntil(view(given(start({ kind: 'BACKGROUND_TASK', status: 'WAITING' }))), windows)).toBe(FOREVER);
    expect(activeUntil(view(given(start({ kind: 'BACKGROUND_TASK', status: 'BLOCKED' }))), windows)).toBeNull();
    const chat = given(start({ kind: 'CHAT' }), runEvents([{ type: 'MESSAGE', data: { role: 'user', text: 'hi' } }], null));
    expect(activeUntil(view(chat), windows)).toBe('2026-11-01T10:31:00.000Z');
    expect(activeUntil(view(given(start({ kind: 'CHAT' }))), windows)).toBeNull();
    expect(activeUntil(view(given(start({ kind: 'RUNTIME', idleTimeoutSeconds: 60 }))), windows)).toBe('2026-11-01T10:01:00.000Z');
  });
});

describe('evolveAll and evolveView: a batch folded at once', () => {
  it('give what evolve one by one gives, from any point of the history, and leave their input as it was', () => {
    const history: { event: SessionEvent; revision: number }[] = [];
    let state = initialState();
    const commands: SessionCommand[] = [
      start({ kind: 'CHAT' }),
      startRun(),
      runEvents([
        { type: 'MESSAGE', data: { role: 'user', text: 'deploy the fix' } },
        { type: 'COMMAND', data: { command: 'make deploy' } },
        { type: 'MODEL_USAGE', data: { model: 'm', inputTokens: 10, outputTokens: 5 } },
        { type: 'STEP', data: { index: 1, total: 3 } },
        { type: 'CHECKPOINT', data: { name: 'ship?' } },
      ]),
      { type: 'ResolveCheckpoint', sessionId: SID, actor: operator, at: T2, eventId: 'e-res', runId: 'r1', decision: 'APPROVE' },
      runEvents([{ type: 'MESSAGE', data: { role: 'assistant', text: 'shipped' }, id: 'ev-late', at: T2 }]),
      { type: 'FinishRun', sessionId: SID, actor: ingest, at: T2, eventId: 'e-fin', runId: 'r1', status: 'COMPLETED' },
    ];
    for (const command of commands) {
      for (const event of decide(command, state)) {
        history.push({ event, revision: history.length });
        state = evolve(state, event, history.length - 1);
      }
    }
    expect(history.length).toBeGreaterThan(8);
    for (let cut = 0; cut <= history.length; cut++) {
      let before = initialState();
      for (const { event, revision } of history.slice(0, cut)) before = evolve(before, event, revision);
      const viewBefore = structuredClone(before.view);
      const runsBefore = new Map(before.runs);
      const oneByOne = history.slice(cut).reduce((s, { event, revision }) => evolve({ view: s.view, runs: new Map(s.runs) }, event, revision), {
        view: before.view,
        runs: new Map(before.runs),
      });
      expect(evolveView(before.view, history.slice(cut))).toEqual(oneByOne.view);
      expect(before.view).toEqual(viewBefore);
      expect(before.runs).toEqual(runsBefore);
      const all = evolveAll({ view: before.view, runs: new Map(before.runs) }, history.slice(cut));
      expect(all.view).toEqual(oneByOne.view);
      expect(all.runs).toEqual(oneByOne.runs);
      expect(before.view).toEqual(viewBefore);
    }
    expect(fold(history).view).toEqual(state.view);
    expect(view(state)).toMatchObject({ status: 'RUNNING', messageCount: 2, commandCount: 1, preview: 'deploy the fix', outputPreview: 'shipped' });
  });
});

import { GraphQLClient } from './support/graphql-client';
import { KEYS, LedgerServer, removeDir, startServer } from './support/ledger-server';

const SESSION_FIELDS = `id accountId kind status statusGroup active title tags sequence createdAt lastActivityAt endedAt endReason
  owner { type id name } source { type id reference } progress { current total unit label } preview outputPreview
  lastError { code message } usage { requests inputTokens outputTokens totalTokens costUsd unpricedRequests } idleTimeoutSeconds metadata
  parentSessionId subagent { name task } endedBy { type id }`;
const RUN_FIELDS = `id sessionId status model input output eventCount startedAt finishedAt error { code message }
  usage { requests inputTokens outputTokens costUsd } toolCalls { id name status arguments outputPreview durationMs }`;

const START = `mutation($input: StartSessionInput!) { startSession(input: $input) { ${SESSION_FIELDS} } }`;
const UPDATE = `mutation($input: UpdateSessionInput!) { updateSession(input: $input) { ${SESSION_FIELDS} } }`;
const START_RUN = `mutation($input: StartRunInput!) { startRun(input: $input) { ${RUN_FIELDS} } }`;
const APPEND = `mutation($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { sessionId runId firstSequence lastSequence position deduplicated } }`;
const FINISH = `mutation($input: FinishRunInput!) { finishRun(input: $input) { ${RUN_FIELDS} } }`;
const RESOLVE = `mutation($input: ResolveCheckpointInput!) { resolveCheckpoint(input: $input) { ${RUN_FIELDS} } }`;
const END = `mutation($input: EndSessionInput!) { endSession(input: $input) { ${SESSION_FIELDS} } }`;
const TIMELINE = `query($id: ID!, $after: Int, $first: Int, $types: [String!], $runId: ID) {
  timeline(sessionId: $id, after: $after, first: $first, types: $types, runId: $runId) {
    lastSequence hasMore events { sequence type id runId data actor { type id } position at recordedAt } } }`;

const EVERY_RUN_EVENT = [
  { type: 'MESSAGE', data: { role: 'user', text: 'Please fix the build' } },
  { type: 'REASONING_SUMMARY', data: { text: 'Look at the failing test first' } },
  { type: 'TOOL_CALL', data: { toolCallId: 'call-1', name: 'run_tests', arguments: { path: 'test/' } } },
  { type: 'TOOL_RESULT', data: { toolCallId: 'call-1', status: 'failed', output: '1 failing', durationMs: 1200 } },
  { type: 'FILE_EDIT', data: { path: 'src/a.ts', before: 'let a = 1', after: 'const a = 1' } },
  { type: 'COMMAND', data: { command: 'npm test', exitCode: 0, durationMs: 5300, stdout: 'ok' } },
  { type: 'STEP', data: { index: 1, total: 3, name: 'fix' } },
  { type: 'OUTPUT_DELTA', data: { text: 'Fixed the ' } },
  { type: 'MODEL_USAGE', data: { model: 'claude-x', inputTokens: 1000, outputTokens: 200, cacheReadTokens: 50, costUsd: 0.012 } },
  { type: 'STATUS', data: { status: 'RUNNING' } },
  { type: 'ERROR', data: { code: 'LINT', message: 'lint warning' } },
  { type: 'LOG', data: { level: 'info', message: 'all done' } },
  { type: 'MESSAGE', data: { role: 'assistant', text: 'Fixed: the test passes now.' } },
];

describe('write side over HTTP', () => {
  let server: LedgerServer;
  let ingest: GraphQLClient;
  let operator: GraphQLClient;
  let viewer: GraphQLClient;
  let other: GraphQLClient;

  beforeAll(async () => {
    server = await startServer();
    ingest = new GraphQLClient(server.url, KEYS.ingest.key);
    operator = new GraphQLClient(server.url, KEYS.operator.key);
    viewer = new GraphQLClient(server.url, KEYS.viewer.key);
    other = new GraphQLClient(server.url, KEYS.otherOrg.key);
  });

  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it.each([
    ['CHAT', 'OPEN', '0 messages'],
    ['FLOW_RUN', 'PENDING', 'Step 0 of 4'],
    ['BACKGROUND_TASK', 'QUEUED', '0 turns'],
    ['RUNTIME', 'OPEN', '0 commands'],
  ])('starts a %s session with status %s', async (kind, status, label) => {
    const { startSession } = await ingest.request(START, {
      input: { kind, title: `A ${kind}`, tags: ['e2e'], ...(kind === 'FLOW_RUN' ? { totalSteps: 4 } : {}) },
    });
    expect(startSession).toMatchObject({
      kind,
      status,
      title: `A ${kind}`,
      tags: ['e2e'],
      accountId: 'org-a',
      sequence: 0,
      owner: { type: 'MANAGED_AGENT', id: 'agent-7', name: 'Laptop agent' },
      progress: { label },
      idleTimeoutSeconds: kind === 'RUNTIME' ? 1800 : null,
    });
    expect(startSession.id).toMatch(/^session_[0-9a-f]{32}$/);
  });

  it('a repeated start with the same source returns the same session and appends nothing', async () => {
    const input = { kind: 'RUNTIME', source: { type: 'openclaw', id: 'desk-42', reference: 'laptop' } };
    const first = (await ingest.request(START, { input })).startSession;
    const again = (await ingest.request(START, { input: { ...input, title: 'ignored' } })).startSession;
    expect(again.id).toBe(first.id);
    expect(again.sequence).toBe(0);
    expect(again.title).toBeNull();
    const otherOrg = (await other.request(START, { input })).startSession;
    expect(otherOrg.id).not.toBe(first.id);
  });

  it('runs a whole flow: runs, every run event type, a checkpoint approved, a finish, an end', async () => {
    const session = (await ingest.request(START, { input: { kind: 'FLOW_RUN', totalSteps: 3, flowId: 'deploy' } })).startSession;
    const run = (await ingest.request(START_RUN, { input: { sessionId: session.id, runId: 'run-a', model: 'claude-x', input: { goal: 'fix' } } })).startRun;
    expect(run).toMatchObject({ id: 'run-a', sessionId: session.id, status: 'RUNNING', model: 'claude-x', input: { goal: 'fix' }, eventCount: 0 });

    const appended = (await ingest.request(APPEND, { input: { sessionId: session.id, runId: 'run-a', events: EVERY_RUN_EVENT } })).appendRunEvents;
    expect(appended).toMatchObject({ sessionId: session.id, runId: 'run-a', firstSequence: 2, lastSequence: 2 + EVERY_RUN_EVENT.length - 1, deduplicated: 0 });

    const checkpoint = (await ingest.request(APPEND, {
      input: { sessionId: session.id, runId: 'run-a', expectedSequence: appended.lastSequence, events: [{ type: 'CHECKPOINT', data: { name: 'deploy to prod?' } }] },
    })).appendRunEvents;
    expect(checkpoint.firstSequence).toBe(appended.lastSequence + 1);

    const approved = (await operator.request(RESOLVE, { input: { sessionId: session.id, runId: 'run-a', decision: 'APPROVE', comment: 'go' } })).resolveCheckpoint;
    expect(approved.status).toBe('RUNNING');

    const finished = (await ingest.request(FINISH, { input: { sessionId: session.id, runId: 'run-a', status: 'COMPLETED', output: 'deployed' } })).finishRun;
    expect(finished).toMatchObject({ status: 'COMPLETED', output: 'deployed', eventCount: EVERY_RUN_EVENT.length + 1 });
    expect(finished.usage).toMatchObject({ requests: 1, inputTokens: 1000, outputTokens: 200, costUsd: 0.012 });
    expect(finished.toolCalls).toEqual([
      { id: 'call-1', name: 'run_tests', status: 'failed', arguments: { path: 'test/' }, outputPreview: '1 failing', durationMs: 1200 },
    ]);

    const ended = (await operator.request(END, { input: { sessionId: session.id, status: 'COMPLETED', reason: 'shipped' } })).endSession;
    expect(ended).toMatchObject({
      status: 'COMPLETED',
      statusGroup: 'SUCCESS',
      active: false,
      endReason: 'shipped',
      endedBy: { type: 'USER', id: 'olga' },
      progress: { current: 1, total: 3, label: 'Step 1 of 3' },
      preview: 'Please fix the build',
      outputPreview: 'deployed',
      lastError: { code: 'LINT', message: 'lint warning' },
      usage: { requests: 1, inputTokens: 1000, outputTokens: 200, totalTokens: 1250, costUsd: 0.012, unpricedRequests: 0 },
    });

    const timeline = (await viewer.request(TIMELINE, { id: session.id, after: -1, first: 100 })).timeline;
    expect(timeline.events.map((e: { type: string }) => e.type)).toEqual([
      'SessionStarted',
      'RunStarted',
      ...EVERY_RUN_EVENT.map((e) => e.type),
      'CHECKPOINT',
      'CheckpointResolved',
      'RunFinished',
      'SessionEnded',
    ]);
    expect(timeline.events.map((e: { sequence: number }) => e.sequence)).toEqual(timeline.events.map((_: unknown, i: number) => i));
    expect(timeline.events[2]).toMatchObject({ runId: 'run-a', data: EVERY_RUN_EVENT[0]!.data, actor: { type: 'MANAGED_AGENT', id: 'agent-7' } });

    expect(await ingest.errorCode(APPEND, { input: { sessionId: session.id, events: [{ type: 'LOG', data: { message: 'late' } }] } })).toBe('SESSION_ENDED');
  });

  it('a checkpoint rejected fails the run and the session', async () => {
    const session = (await ingest.request(START, { input: { kind: 'FLOW_RUN' } })).startSession;
    await ingest.request(START_RUN, { input: { sessionId: session.id, runId: 'r' } });
    await ingest.request(APPEND, { input: { sessionId: session.id, runId: 'r', events: [{ type: 'CHECKPOINT', data: { name: 'ok?' } }] } });
    const rejected = (await operator.request(RESOLVE, { input: { sessionId: session.id, runId: 'r', decision: 'REJECT', comment: 'no' } })).resolveCheckpoint;
    expect(rejected.status).toBe('FAILED');
    const after = (await viewer.request(`query($id: ID!) { session(id: $id) { status statusGroup endReason } }`, { id: session.id })).session;
    expect(after).toEqual({ status: 'REJECTED', statusGroup: 'PROBLEM', endReason: 'no' });
  });

  it('a retried batch with the same event ids is stored once', async () => {
    const session = (await ingest.request(START, { input: { kind: 'CHAT' } })).startSession;
    const events = [
      { id: '6f1c2a8e-0000-4000-8000-000000000001', type: 'MESSAGE', data: { role: 'user', text: 'hi' } },
      { id: 'client-event-2', type: 'MESSAGE', data: { role: 'assistant', text: 'hello' } },
    ];
    const first = (await ingest.request(APPEND, { input: { sessionId: session.id, events } })).appendRunEvents;
    const retry = (await ingest.request(APPEND, { input: { sessionId: session.id, events } })).appendRunEvents;
    expect(first).toMatchObject({ firstSequence: 1, lastSequence: 2, deduplicated: 0 });
    expect(retry).toMatchObject({ firstSequence: 1, lastSequence: 2, deduplicated: 2 });
    const timeline = (await viewer.request(TIMELINE, { id: session.id })).timeline;
    expect(timeline.events.map((e: { id: string }) => e.id)).toEqual([expect.any(String), events[0]!.id, 'client-event-2']);
  });

  it('credentials are redacted before they are stored', async () => {
    const session = (await ingest.request(START, { input: { kind: 'CHAT', metadata: { repo: 'https://bob:hunter2secret@git.example.com/x.git' } } })).startSession;
    expect(JSON.stringify(session.metadata)).not.toContain('hunter2secret');
    const token = 'ghp_' + 'a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8';
    await ingest.request(APPEND, { input: { sessionId: session.id, events: [{ type: 'MESSAGE', data: { role: 'user', text: `my token is ${token}` } }] } });
    const timeline = (await viewer.request(TIMELINE, { id: session.id })).timeline;
    const text = JSON.stringify(timeline);
    expect(text).not.toContain(token);
    expect(text).toContain('[REDACTED:');
  });

  describe('bad input gets the contract codes', () => {
    let sessionId: string;
    beforeAll(async () => {
      sessionId = (await ingest.request(START, { input: { kind: 'BACKGROUND_TASK' } })).startSession.id;
      await ingest.request(START_RUN, { input: { sessionId, runId: 'r1' } });
    });

    it('no key or an unknown key: UNAUTHENTICATED', async () => {
      expect(await new GraphQLClient(server.url, null).errorCode(START, { input: { kind: 'CHAT' } })).toBe('UNAUTHENTICATED');
      expect(await new GraphQLClient(server.url, 'not-a-key-at-all-000').errorCode(START, { input: { kind: 'CHAT' } })).toBe('UNAUTHENTICATED');
    });

    it('a role that may not: FORBIDDEN', async () => {
      expect(await viewer.errorCode(START, { input: { kind: 'CHAT' } })).toBe('FORBIDDEN');
      expect(await ingest.errorCode(`{ sessions { totalCount } }`)).toBe('FORBIDDEN');
    });

    it('malformed ids, unknown enum values, missing data fields: BAD_USER_INPUT with the fields', async () => {
      const malformed = await ingest.raw(START_RUN, { input: { sessionId: 'session_xyz' } });
      expect(malformed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', fields: [{ field: 'input.sessionId' }] });
      expect(await ingest.errorCode(START, { input: { kind: 'SPACESHIP' } })).toBe('BAD_USER_INPUT');
      const missing = await ingest.raw(APPEND, { input: { sessionId, runId: 'r1', events: [{ type: 'TOOL_CALL', data: { name: 'x' } }] } });
      expect(missing.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(missing.errors?.[0]?.message).toContain('events[0].data.toolCallId is required for TOOL_CALL');
      expect(await ingest.errorCode(APPEND, { input: { sessionId, events: [] } })).toBe('BAD_USER_INPUT');
    });

    it('a transition the machine refuses: BAD_USER_INPUT or CONFLICT, with the current state', async () => {
      expect(await operator.errorCode(UPDATE, { input: { sessionId, status: 'COMPLETED' } })).toBe('BAD_USER_INPUT');
      const stale = await ingest.raw(APPEND, { input: { sessionId, expectedSequence: 0, events: [{ type: 'LOG', data: { message: 'x' } }] } });
      expect(stale.errors?.[0]?.extensions).toMatchObject({ code: 'CONFLICT', current: { sequence: 1 } });
      expect(await operator.errorCode(RESOLVE, { input: { sessionId, runId: 'r1', decision: 'APPROVE' } })).toBe('CONFLICT');
    });

    it('another organization, or nothing: NOT_FOUND', async () => {
      expect(await other.errorCode(START_RUN, { input: { sessionId } })).toBe('NOT_FOUND');
      expect(await ingest.errorCode(START_RUN, { input: { sessionId: 'session_00000000000000000000000000000000' } })).toBe('NOT_FOUND');
      expect((await other.request(`query($id: ID!) { session(id: $id) { id } }`, { id: sessionId })).session).toBeNull();
    });

    it('over the limits: PAYLOAD_TOO_LARGE', async () => {
      const big = { type: 'LOG', data: { message: 'x'.repeat(65 * 1024) } };
      expect(await ingest.errorCode(APPEND, { input: { sessionId, events: [big] } })).toBe('PAYLOAD_TOO_LARGE');
      const many = Array.from({ length: 501 }, () => ({ type: 'LOG', data: { message: 'x' } }));
      expect(await ingest.errorCode(APPEND, { input: { sessionId, events: many } })).toBe('PAYLOAD_TOO_LARGE');
      const huge = JSON.stringify({ query: START, variables: { input: { kind: 'CHAT', title: 'x'.repeat(5 * 1024 * 1024) } } });
      const response = await ingest.raw(START, {}, huge);
      expect(response.status).toBe(413);
      expect(response.errors?.[0]?.extensions?.code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('a query too deep is refused before it runs', async () => {
      const deep = `{ sessions { edges { node { children { children { children { children { children { children { children { children { children { children { id } } } } } } } } } } } } } }`;
      const response = await viewer.raw(deep);
      expect(response.errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.data).toBeUndefined();
    });
  });

  it('every acknowledged event is still there after a restart on the same DATA_DIR', async () => {
    const session = (await ingest.request(START, { input: { kind: 'CHAT' } })).startSession;
    const events = Array.from({ length: 50 }, (_, i) => ({ type: 'MESSAGE', data: { role: 'user', text: `m${i}` } }));
    const appended = (await ingest.request(APPEND, { input: { sessionId: session.id, events } })).appendRunEvents;
    const before = (await viewer.request(TIMELINE, { id: session.id, first: 1000 })).timeline;
    await server.stop('SIGTERM');
    server = await startServer({ dataDir: server.dataDir });
    viewer = new GraphQLClient(server.url, KEYS.viewer.key);
    ingest = new GraphQLClient(server.url, KEYS.ingest.key);
    const after = (await viewer.request(TIMELINE, { id: session.id, first: 1000 })).timeline;
    expect(after).toEqual(before);
    expect(after.lastSequence).toBe(appended.lastSequence);
    const detail = (await viewer.request(`query($id: ID!) { session(id: $id) { sequence progress { label } } }`, { id: session.id })).session;
    expect(detail).toEqual({ sequence: appended.lastSequence, progress: { label: '50 messages' } });
  });
});

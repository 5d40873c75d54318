import { GraphQLClient } from './support/graphql-client';
import { KEYS, LedgerServer, removeDir, startServer } from './support/ledger-server';

/**
 * The read side of the contract, end to end: every Query field over HTTP against the built
 * server on the embedded stores. Each describe block starts its own server, so what one block
 * writes never changes what another reads.
 */

type Json = Record<string, any>;

const USAGE = `requests inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens totalTokens costUsd unpricedRequests`;
const SESSION_FIELDS = `id accountId kind status statusGroup active title tags initiative flowId model parentSessionId
  subagent { name task } owner { type id name } source { type id reference } environment { repo branch surface }
  progress { current total unit label } preview outputPreview lastError { code message at } usage { ${USAGE} }
  createdAt lastActivityAt endedAt endedBy { type id } endReason idleTimeoutSeconds metadata sequence`;
const RUN_FIELDS = `id sessionId status model input output eventCount startedAt finishedAt error { code message at } usage { ${USAGE} }
  toolCalls { id runId name status arguments outputPreview startedAt finishedAt durationMs }`;

const START = `mutation($input: StartSessionInput!) { startSession(input: $input) { ${SESSION_FIELDS} } }`;
const UPDATE = `mutation($input: UpdateSessionInput!) { updateSession(input: $input) { id sequence tags status } }`;
const START_RUN = `mutation($input: StartRunInput!) { startRun(input: $input) { id status } }`;
const APPEND = `mutation($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { firstSequence lastSequence position } }`;
const FINISH = `mutation($input: FinishRunInput!) { finishRun(input: $input) { id status } }`;
const RESOLVE = `mutation($input: ResolveCheckpointInput!) { resolveCheckpoint(input: $input) { id status } }`;
const END = `mutation($input: EndSessionInput!) { endSession(input: $input) { id status lastActivityAt } }`;
const PIN = `mutation($input: SetPinnedInput!) { setPinned(input: $input) { id } }`;

const SESSION = `query($id: ID!) { session(id: $id) { ${SESSION_FIELDS} } }`;
const SESSIONS = `query($filter: SessionFilter, $first: Int, $after: String) {
  sessions(filter: $filter, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${SESSION_FIELDS} } } } }`;
const COMMAND_CENTER = `query($filter: SessionFilter, $limit: Int) { commandCenter(filter: $filter, limit: $limit) {
  generatedAt counts { active attention recent }
  activeNow { id kind status statusGroup active lastActivityAt }
  recent { id kind status statusGroup active lastActivityAt } } }`;
const RUN = `query($id: ID!) { run(id: $id) { ${RUN_FIELDS} } }`;
const TIMELINE = `query($id: ID!, $after: Int, $first: Int, $types: [String!], $runId: ID) {
  timeline(sessionId: $id, after: $after, first: $first, types: $types, runId: $runId) {
    lastSequence hasMore events { sessionId sequence type id runId at recordedAt data actor { type id } } } }`;
const AS_OF = `query($id: ID!, $sequence: Int, $at: DateTime) { sessionAsOf(id: $id, sequence: $sequence, at: $at) { ${SESSION_FIELDS} } }`;
const USAGE_QUERY = `query($filter: UsageFilter!, $groupBy: [UsageDimension!]!) { usage(filter: $filter, groupBy: $groupBy) {
  accountId flowId model sessionId bucketStart principal { type id name } usage { ${USAGE} } } }`;
const MANAGED_AGENTS = `query($first: Int, $after: String) { managedAgents(first: $first, after: $after) {
  pageInfo { hasNextPage endCursor }
  edges { cursor node { principal { type id name } sessionCount lastActivityAt activeSession { id kind } usage { ${USAGE} } } } } }`;
const PROJECTIONS = `{ projections { name version state checkpoint processedEvents lagEvents lagMs } }`;

// ---------------------------------------------------------------- helpers

interface Ledger {
  server: LedgerServer;
  /** org-a, USER alice, ADMIN: writes and reads. */
  admin: GraphQLClient;
  /** org-a, MANAGED_AGENT agent-7, INGEST: writes only. */
  ingest: GraphQLClient;
  /** org-a, USER victor, VIEWER. */
  viewer: GraphQLClient;
  /** org-b, USER bob, ADMIN: the other organization. */
  other: GraphQLClient;
}

/** One server for the enclosing describe block, stopped and removed after it. */
function useLedger(env: Record<string, string> = {}): Ledger {
  const ledger = {} as Ledger;
  beforeAll(async () => {
    ledger.server = await startServer({ env });
    ledger.admin = new GraphQLClient(ledger.server.url, KEYS.admin.key);
    ledger.ingest = new GraphQLClient(ledger.server.url, KEYS.ingest.key);
    ledger.viewer = new GraphQLClient(ledger.server.url, KEYS.viewer.key);
    ledger.other = new GraphQLClient(ledger.server.url, KEYS.otherOrg.key);
  });
  afterAll(async () => {
    if (!ledger.server) return;
    await ledger.server.stop();
    removeDir(ledger.server.dataDir);
  });
  return ledger;
}

async function start(client: GraphQLClient, input: Json): Promise<Json> {
  return (await client.request(START, { input })).startSession;
}

async function startRun(client: GraphQLClient, sessionId: string, runId: string, extra: Json = {}): Promise<Json> {
  return (await client.request(START_RUN, { input: { sessionId, runId, ...extra } })).startRun;
}

async function append(client: GraphQLClient, sessionId: string, events: Json[], runId?: string): Promise<Json> {
  return (await client.request(APPEND, { input: { sessionId, ...(runId ? { runId } : {}), events } })).appendRunEvents;
}

async function finish(client: GraphQLClient, sessionId: string, runId: string, status: string, extra: Json = {}): Promise<Json> {
  return (await client.request(FINISH, { input: { sessionId, runId, status, ...extra } })).finishRun;
}

async function end(client: GraphQLClient, sessionId: string, status: string, reason?: string): Promise<Json> {
  return (await client.request(END, { input: { sessionId, status, ...(reason ? { reason } : {}) } })).endSession;
}

async function update(client: GraphQLClient, input: Json): Promise<Json> {
  return (await client.request(UPDATE, { input })).updateSession;
}

async function setPinned(client: GraphQLClient, sessionId: string, pinned: boolean): Promise<void> {
  await client.request(PIN, { input: { sessionId, pinned } });
}

async function session(client: GraphQLClient, id: string): Promise<Json | null> {
  return (await client.request(SESSION, { id })).session;
}

async function sessionsPage(client: GraphQLClient, filter: Json | null, first?: number, after?: string | null): Promise<Json> {
  return (await client.request(SESSIONS, { filter, first, after })).sessions;
}

/** Every session the filter selects, in the server's order, walking every page. */
async function listAll(client: GraphQLClient, filter: Json | null, pageSize = 500): Promise<Json[]> {
  const nodes: Json[] = [];
  let after: string | null = null;
  for (;;) {
    const page = await sessionsPage(client, filter, pageSize, after);
    nodes.push(...page.edges.map((edge: Json) => edge.node));
    if (!page.pageInfo.hasNextPage) return nodes;
    after = page.pageInfo.endCursor;
  }
}

async function listIds(client: GraphQLClient, filter: Json | null): Promise<string[]> {
  return (await listAll(client, filter)).map((node) => node.id);
}

async function commandCenter(client: GraphQLClient, filter: Json | null = null, limit = 1000): Promise<Json> {
  return (await client.request(COMMAND_CENTER, { filter, limit })).commandCenter;
}

async function usage(client: GraphQLClient, filter: Json, groupBy: string[]): Promise<Json[]> {
  return (await client.request(USAGE_QUERY, { filter, groupBy })).usage;
}

const ids = (nodes: Json[]): string[] => nodes.map((node) => node.id);
const sorted = (values: string[]): string[] => [...values].sort();
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const secondsFrom = (iso: string, seconds: number): string => new Date(Date.parse(iso) + seconds * 1000).toISOString();

/** Most recent activity first: each lastActivityAt is at or before the one above it. */
function expectNewestFirst(nodes: Json[]): void {
  const times = nodes.map((node) => node.lastActivityAt as string);
  expect(times).toEqual([...times].sort().reverse());
}

const ZERO = {
  requests: 0,
  inputTokens: 0,
  outputTokens: 0,
  cacheReadTokens: 0,
  cacheWriteTokens: 0,
  reasoningTokens: 0,
  totalTokens: 0,
  costUsd: 0,
  unpricedRequests: 0,
};

// ---------------------------------------------------------------- session, run, timeline, sessionAsOf

describe('a session in detail: children, runs, usage, progress, previews, run, timeline, sessionAsOf', () => {
  const ledger = useLedger();
  const base = Date.now() - 60_000;
  const at = (seconds: number) => new Date(base + seconds * 1000).toISOString();
  const longRequest = `Ship release 4.2 to production ${'and check everything twice '.repeat(10)}`;
  const longOutput = 'y'.repeat(300);
  const RUN_1_EVENTS = [
    { type: 'MESSAGE', at: at(0), data: { role: 'user', text: longRequest } },
    { type: 'STEP', at: at(1), data: { index: 1, total: 3, name: 'tag' } },
    { type: 'TOOL_CALL', at: at(2), data: { toolCallId: 'call-a', name: 'git_tag', arguments: { tag: 'v4.2' } } },
    // The result of call-b arrives before its call: pairing does not depend on arrival order.
    { type: 'TOOL_RESULT', at: at(5), data: { toolCallId: 'call-b', status: 'succeeded', output: 'built' } },
    { type: 'TOOL_CALL', at: at(3), data: { toolCallId: 'call-b', name: 'build', arguments: { target: 'all' } } },
    { type: 'TOOL_RESULT', at: at(6), data: { toolCallId: 'call-a', status: 'succeeded', output: { sha: 'abc123' } } },
    { type: 'TOOL_CALL', at: at(7), data: { toolCallId: 'call-c', name: 'smoke_test', arguments: null } },
    { type: 'TOOL_RESULT', at: at(8), data: { toolCallId: 'call-c', status: 'failed', output: longOutput, durationMs: 1500 } },
    { type: 'TOOL_CALL', at: at(9), data: { toolCallId: 'call-d', name: 'notify', arguments: { channel: '#releases' } } },
    { type: 'MODEL_USAGE', at: at(10), data: { model: 'model-a', inputTokens: 100, outputTokens: 20, cacheReadTokens: 5, costUsd: 0.5 } },
    { type: 'STEP', at: at(11), data: { index: 2, name: 'build' } },
    { type: 'MESSAGE', at: at(12), data: { role: 'assistant', text: 'Tagged v4.2 and built it.' } },
  ];
  let parent: Json;
  let subagents: Json[];

  beforeAll(async () => {
    const { admin } = ledger;
    parent = await start(admin, {
      kind: 'FLOW_RUN',
      title: 'Release 4.2',
      totalSteps: 3,
      flowId: 'release',
      initiative: 'q3-launch',
      tags: ['release'],
      environment: { repo: 'acme/app', branch: 'main', surface: 'CLI' },
      metadata: { ticket: 'REL-1' },
    });
    subagents = [
      await start(admin, { kind: 'BACKGROUND_TASK', parentSessionId: parent.id, subagent: { name: 'tester', task: 'run the suite' } }),
      await start(admin, { kind: 'CHAT', parentSessionId: parent.id, subagent: { name: 'reviewer' } }),
    ];
    await startRun(admin, parent.id, 'run-1', { model: 'model-a', input: { goal: 'release' } });
    await append(admin, parent.id, RUN_1_EVENTS, 'run-1');
    await finish(admin, parent.id, 'run-1', 'COMPLETED', { output: { ok: true } });
    await startRun(admin, parent.id, 'run-2');
    await append(admin, parent.id, [{ type: 'MODEL_USAGE', data: { model: 'model-b', inputTokens: 10, outputTokens: 5, costUsd: 0.25 } }], 'run-2');
    await finish(admin, parent.id, 'run-2', 'FAILED', { error: { code: 'DEPLOY_FAILED', message: 'cluster unreachable' } });
    await startRun(admin, parent.id, 'run-3');
  });

  it('session(id) answers every field: progress, previews, lastError, usage, environment', async () => {
    const found = await session(ledger.viewer, parent.id);
    expect(found).toMatchObject({
      id: parent.id,
      accountId: 'org-a',
      kind: 'FLOW_RUN',
      status: 'RUNNING',
      statusGroup: 'ACTIVE',
      active: true,
      title: 'Release 4.2',
      tags: ['release'],
      initiative: 'q3-launch',
      flowId: 'release',
      model: 'model-a',
      parentSessionId: null,
      subagent: null,
      owner: { type: 'USER', id: 'alice', name: 'Alice' },
      environment: { repo: 'acme/app', branch: 'main', surface: 'CLI' },
      metadata: { ticket: 'REL-1' },
      progress: { current: 2, total: 3, unit: 'steps', label: 'Step 2 of 3' },
      preview: longRequest.slice(0, 200),
      outputPreview: 'Tagged v4.2 and built it.',
      lastError: { code: 'DEPLOY_FAILED', message: 'cluster unreachable' },
      usage: {
        requests: 2,
        inputTokens: 110,
        outputTokens: 25,
        cacheReadTokens: 5,
        cacheWriteTokens: 0,
        reasoningTokens: 0,
        totalTokens: 140,
        costUsd: 0.75,
        unpricedRequests: 0,
      },
      endedAt: null,
    });
    expect(found!.preview).toHaveLength(200);
    // 0-based: SessionStarted, 3 RunStarted, the run events of run-1 and run-2, 2 RunFinished.
    expect(found!.sequence).toBe(1 + 3 + RUN_1_EVENTS.length + 1 + 2 - 1);
    expect(found!.lastError.at).toEqual(expect.any(String));
  });

  it('session(id) lists its subagent sessions as children, each pointing back at the parent', async () => {
    const query = `query($id: ID!) { session(id: $id) { children { id parentSessionId subagent { name task } children { id } } } }`;
    const { children } = (await ledger.viewer.request(query, { id: parent.id })).session;
    expect(sorted(ids(children))).toEqual(sorted(ids(subagents)));
    const byId = new Map(children.map((child: Json) => [child.id, child]));
    expect(byId.get(subagents[0]!.id)).toEqual({
      id: subagents[0]!.id,
      parentSessionId: parent.id,
      subagent: { name: 'tester', task: 'run the suite' },
      children: [],
    });
    expect(byId.get(subagents[1]!.id)).toMatchObject({ subagent: { name: 'reviewer', task: null } });
    expect(await listIds(ledger.viewer, { parentSessionId: parent.id })).toEqual(expect.arrayContaining(ids(subagents)));
    expect((await ledger.viewer.request(query, { id: subagents[0]!.id })).session.children).toEqual([]);
  });

  it('session.runs is a connection in start order, paged with first/after', async () => {
    const query = `query($id: ID!, $first: Int, $after: String) { session(id: $id) {
      runs(first: $first, after: $after) { pageInfo { hasNextPage endCursor } edges { cursor node { id status } } } } }`;
    const all = (await ledger.viewer.request(query, { id: parent.id })).session.runs;
    expect(all.edges.map((edge: Json) => edge.node)).toEqual([
      { id: 'run-1', status: 'COMPLETED' },
      { id: 'run-2', status: 'FAILED' },
      { id: 'run-3', status: 'RUNNING' },
    ]);
    expect(all.pageInfo.hasNextPage).toBe(false);

    const first = (await ledger.viewer.request(query, { id: parent.id, first: 2 })).session.runs;
    expect(first.edges.map((edge: Json) => edge.node.id)).toEqual(['run-1', 'run-2']);
    expect(first.pageInfo).toEqual({ hasNextPage: true, endCursor: first.edges[1].cursor });
    const second = (await ledger.viewer.request(query, { id: parent.id, first: 2, after: first.pageInfo.endCursor })).session.runs;
    expect(second.edges.map((edge: Json) => edge.node.id)).toEqual(['run-3']);
    expect(second.pageInfo.hasNextPage).toBe(false);
    const empty = (await ledger.viewer.request(query, { id: subagents[0]!.id })).session.runs;
    expect(empty).toEqual({ pageInfo: { hasNextPage: false, endCursor: null }, edges: [] });
  });

  it('run(id) pairs TOOL_CALL with TOOL_RESULT into tool calls, with usage, output and error', async () => {
    const run = (await ledger.viewer.request(RUN, { id: 'run-1' })).run;
    expect(run).toMatchObject({
      id: 'run-1',
      sessionId: parent.id,
      status: 'COMPLETED',
      model: 'model-a',
      input: { goal: 'release' },
      output: { ok: true },
      error: null,
      eventCount: RUN_1_EVENTS.length,
      usage: { requests: 1, inputTokens: 100, outputTokens: 20, cacheReadTokens: 5, totalTokens: 125, costUsd: 0.5, unpricedRequests: 0 },
    });
    expect(run.finishedAt >= run.startedAt).toBe(true);
    expect(run.toolCalls).toEqual([
      {
        id: 'call-a',
        runId: 'run-1',
        name: 'git_tag',
        status: 'succeeded',
        arguments: { tag: 'v4.2' },
        outputPreview: '{"sha":"abc123"}',
        startedAt: at(2),
        finishedAt: at(6),
        durationMs: 4000,
      },
      {
        id: 'call-b',
        runId: 'run-1',
        name: 'build',
        status: 'succeeded',
        arguments: { target: 'all' },
        outputPreview: 'built',
        startedAt: at(3),
        finishedAt: at(5),
        durationMs: 2000,
      },
      {
        id: 'call-c',
        runId: 'run-1',
        name: 'smoke_test',
        status: 'failed',
        arguments: null,
        outputPreview: longOutput.slice(0, 200),
        startedAt: at(7),
        finishedAt: at(8),
        durationMs: 1500,
      },
      {
        id: 'call-d',
        runId: 'run-1',
        name: 'notify',
        status: 'running',
        arguments: { channel: '#releases' },
        outputPreview: null,
        startedAt: at(9),
        finishedAt: null,
        durationMs: null,
      },
    ]);

    const failed = (await ledger.viewer.request(RUN, { id: 'run-2' })).run;
    expect(failed).toMatchObject({ status: 'FAILED', error: { code: 'DEPLOY_FAILED', message: 'cluster unreachable' }, toolCalls: [], eventCount: 1 });
    expect(failed.usage).toMatchObject({ requests: 1, costUsd: 0.25 });
    const running = (await ledger.viewer.request(RUN, { id: 'run-3' })).run;
    expect(running).toMatchObject({ status: 'RUNNING', finishedAt: null, eventCount: 0, toolCalls: [], usage: ZERO });
    expect((await ledger.viewer.request(RUN, { id: 'run-404' })).run).toBeNull();
  });

  it('progress reads in each kind\'s unit: turns, messages, commands', async () => {
    const { admin } = ledger;
    const task = subagents[0]!;
    await startRun(admin, task.id, 't-1');
    await finish(admin, task.id, 't-1', 'COMPLETED');
    await startRun(admin, task.id, 't-2');
    expect((await session(admin, task.id))!.progress).toEqual({ current: 2, total: null, unit: 'turns', label: '2 turns' });

    const chat = subagents[1]!;
    await append(admin, chat.id, [{ type: 'MESSAGE', data: { role: 'user', text: 'looks good?' } }]);
    expect((await session(admin, chat.id))!.progress).toEqual({ current: 1, total: null, unit: 'messages', label: '1 message' });

    const runtime = await start(admin, { kind: 'RUNTIME' });
    await append(admin, runtime.id, [
      { type: 'COMMAND', data: { command: 'ls' } },
      { type: 'COMMAND', data: { command: 'pwd', exitCode: 0 } },
      { type: 'LOG', data: { message: 'not a command' } },
    ]);
    expect((await session(admin, runtime.id))!.progress).toEqual({ current: 2, total: null, unit: 'commands', label: '2 commands' });

    const flow = await start(admin, { kind: 'FLOW_RUN' });
    await append(admin, flow.id, [{ type: 'STEP', data: { index: 1 } }]);
    expect((await session(admin, flow.id))!.progress).toEqual({ current: 1, total: null, unit: 'steps', label: 'Step 1' });
  });

  it('timeline pages with after/first: gap-free sequences, hasMore, lastSequence', async () => {
    const { viewer } = ledger;
    const everything = (await viewer.request(TIMELINE, { id: parent.id, after: -1, first: 1000 })).timeline;
    const count = everything.events.length;
    expect(everything.hasMore).toBe(false);
    expect(everything.lastSequence).toBe(count - 1);
    expect(everything.events.map((event: Json) => event.sequence)).toEqual([...Array(count).keys()]);
    expect(everything.events.map((event: Json) => event.type)).toEqual([
      'SessionStarted',
      'RunStarted',
      ...RUN_1_EVENTS.map((event) => event.type),
      'RunFinished',
      'RunStarted',
      'MODEL_USAGE',
      'RunFinished',
      'RunStarted',
    ]);
    expect(everything.events[2]).toMatchObject({ sessionId: parent.id, runId: 'run-1', at: at(0), data: RUN_1_EVENTS[0]!.data });

    const walked: Json[] = [];
    let after = -1;
    for (let pages = 0; ; pages += 1) {
      expect(pages).toBeLessThan(20);
      const page = (await viewer.request(TIMELINE, { id: parent.id, after, first: 4 })).timeline;
      walked.push(...page.events);
      expect(page.lastSequence).toBe(page.events.length ? page.events[page.events.length - 1].sequence : after);
      after = page.lastSequence;
      if (!page.hasMore) break;
      expect(page.events).toHaveLength(4);
    }
    expect(walked).toEqual(everything.events);

    const atEnd = (await viewer.request(TIMELINE, { id: parent.id, after: count - 1 })).timeline;
    expect(atEnd).toEqual({ events: [], lastSequence: count - 1, hasMore: false });
    const exact = (await viewer.request(TIMELINE, { id: parent.id, after: count - 5, first: 4 })).timeline;
    expect(exact.events).toHaveLength(4);
    expect(exact.hasMore).toBe(false);
  });

  it('timeline filters by types and runId, paging over the filtered events', async () => {
    const { viewer } = ledger;
    const tools = (await viewer.request(TIMELINE, { id: parent.id, types: ['TOOL_CALL', 'TOOL_RESULT'], first: 5 })).timeline;
    expect(tools.events.map((event: Json) => event.data.toolCallId)).toEqual(['call-a', 'call-b', 'call-b', 'call-a', 'call-c']);
    expect(tools.hasMore).toBe(true);
    expect(tools.lastSequence).toBe(tools.events[4].sequence);
    const rest = (await viewer.request(TIMELINE, { id: parent.id, types: ['TOOL_CALL', 'TOOL_RESULT'], after: tools.lastSequence })).timeline;
    expect(rest.events.map((event: Json) => event.data.toolCallId)).toEqual(['call-c', 'call-d']);
    expect(rest.hasMore).toBe(false);

    const run2 = (await viewer.request(TIMELINE, { id: parent.id, runId: 'run-2' })).timeline;
    expect(run2.events.map((event: Json) => event.type)).toEqual(['RunStarted', 'MODEL_USAGE', 'RunFinished']);
    expect(run2.events.every((event: Json) => event.runId === 'run-2')).toBe(true);
    const usageOfRun1 = (await viewer.request(TIMELINE, { id: parent.id, runId: 'run-1', types: ['MODEL_USAGE'] })).timeline;
    expect(usageOfRun1.events).toHaveLength(1);
    expect(usageOfRun1.events[0]).toMatchObject({ runId: 'run-1', data: { model: 'model-a' } });
    const none = (await viewer.request(TIMELINE, { id: parent.id, types: ['COMMAND'] })).timeline;
    expect(none).toEqual({ events: [], lastSequence: -1, hasMore: false });
  });

  it('sessionAsOf replays the session as it stood after a sequence, or at an instant', async () => {
    const { viewer } = ledger;
    const atStart = (await viewer.request(AS_OF, { id: parent.id, sequence: 0 })).sessionAsOf;
    expect(atStart).toMatchObject({
      id: parent.id,
      status: 'PENDING',
      sequence: 0,
      title: 'Release 4.2',
      progress: { label: 'Step 0 of 3' },
      preview: null,
      usage: ZERO,
      lastError: null,
    });
    // 0 SessionStarted, 1 RunStarted, 2 MESSAGE, 3 STEP 1 of 3.
    const afterStep = (await viewer.request(AS_OF, { id: parent.id, sequence: 3 })).sessionAsOf;
    expect(afterStep).toMatchObject({ status: 'RUNNING', sequence: 3, progress: { label: 'Step 1 of 3' }, preview: longRequest.slice(0, 200), outputPreview: null });

    const now = await session(viewer, parent.id);
    const latest = (await viewer.request(AS_OF, { id: parent.id, sequence: 100_000 })).sessionAsOf;
    expect(latest).toMatchObject({ sequence: now!.sequence, usage: now!.usage, progress: now!.progress, lastError: { code: 'DEPLOY_FAILED' } });

    const timeline = (await viewer.request(TIMELINE, { id: parent.id })).timeline;
    const lastRecorded = timeline.events[timeline.events.length - 1].recordedAt;
    expect((await viewer.request(AS_OF, { id: parent.id, at: lastRecorded })).sessionAsOf.sequence).toBe(now!.sequence);
    expect((await viewer.request(AS_OF, { id: parent.id, at: '2001-01-01T00:00:00.000Z' })).sessionAsOf).toBeNull();
    expect((await viewer.request(AS_OF, { id: 'session_00000000000000000000000000000000', sequence: 0 })).sessionAsOf).toBeNull();
    expect(await viewer.errorCode(AS_OF, { id: parent.id })).toBe('BAD_USER_INPUT');
  });

  it('a query sent again (then compiled) answers byte for byte as its first run on graphql-js, errors included', async () => {
    const DETAIL = `query($id: ID!) { session(id: $id) { ${SESSION_FIELDS}
      children { id parentSessionId subagent { name } }
      runs(first: 2) { pageInfo { hasNextPage endCursor } edges { cursor node { ${RUN_FIELDS} } } } } }`;
    const requests: [string, Json][] = [
      [DETAIL, { id: parent.id }],
      [RUN, { id: 'run-1' }],
      [TIMELINE, { id: parent.id, after: 2, first: 5 }],
      [AS_OF, { id: parent.id, sequence: 3 }],
      // A refusal from a resolver, a variable of the wrong type, and one the schema lacks.
      [AS_OF, { id: parent.id }],
      [TIMELINE, { id: parent.id, first: 'many' }],
      [`query($id: ID!) { session(id: $id) { id } }`, {}],
    ];
    for (const [i, [text, variables]] of requests.entries()) {
      // A text of its own, so the first of the three runs is the document's first.
      const query = `${text}\n# request ${i}`;
      const answers: string[] = [];
      for (let run = 0; run < 3; run += 1) {
        const response = await fetch(ledger.server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${KEYS.viewer.key}` },
          body: JSON.stringify({ query, variables }),
        });
        answers.push(`${response.status} ${await response.text()}`);
      }
      expect(answers[1]).toBe(answers[0]);
      expect(answers[2]).toBe(answers[0]);
    }
  });
});

// ---------------------------------------------------------------- sessions: filters, ordering, pagination

describe('sessions: every filter, active first then newest, cursor pagination, totalCount', () => {
  const ledger = useLedger();
  const s: Record<string, Json> = {};
  let all: Json[];

  /** The same sessions in both organizations, so each filter would match the other's rows if scoping failed. */
  async function seed(client: GraphQLClient, ingest: GraphQLClient | null): Promise<Record<string, Json>> {
    const made: Record<string, Json> = {};
    made.chatActive = await start(client, {
      kind: 'CHAT',
      title: 'Fix Login Bug',
      tags: ['web', 'urgent'],
      owner: { type: 'USER', id: 'u-1', name: 'Una' },
      accountId: 'acct-1',
      initiative: 'init-1',
      metadata: { team: 'core', level: 2, labels: ['x', 'y'] },
    });
    await append(client, made.chatActive.id, [{ type: 'MESSAGE', data: { role: 'user', text: 'Hello NEEDLE in a haystack' } }]);
    made.chatIdle = await start(client, {
      kind: 'CHAT',
      title: 'Idle chat',
      tags: ['web'],
      owner: { type: 'USER', id: 'u-2' },
      accountId: 'acct-2',
      metadata: { team: 'core', level: 3 },
    });
    made.flowPending = await start(client, {
      kind: 'FLOW_RUN',
      flowId: 'deploy',
      initiative: 'init-1',
      tags: ['ops'],
      owner: { type: 'FLOW', id: 'deploy-flow' },
      accountId: 'acct-2',
      source: { type: 'flow', id: 'f-1', reference: 'Deploy REF-77' },
    });
    made.flowDone = await start(client, { kind: 'FLOW_RUN', flowId: 'deploy', tags: ['ops', 'urgent'] });
    await end(client, made.flowDone.id, 'COMPLETED');
    made.flowPaused = await start(client, { kind: 'FLOW_RUN', flowId: 'release', initiative: 'init-2' });
    await startRun(client, made.flowPaused.id, 'r');
    await append(client, made.flowPaused.id, [{ type: 'CHECKPOINT', data: { name: 'ship it?' } }], 'r');
    made.flowRejected = await start(client, { kind: 'FLOW_RUN', flowId: 'release' });
    await startRun(client, made.flowRejected.id, 'r');
    await append(client, made.flowRejected.id, [{ type: 'CHECKPOINT', data: { name: 'ship it?' } }], 'r');
    await client.request(RESOLVE, { input: { sessionId: made.flowRejected.id, runId: 'r', decision: 'REJECT' } });
    made.taskBlocked = await start(client, { kind: 'BACKGROUND_TASK', owner: { type: 'SERVICE', id: 'svc-1' }, metadata: { team: 'infra' } });
    await update(client, { sessionId: made.taskBlocked.id, status: 'BLOCKED' });
    made.taskFailed = await start(client, { kind: 'BACKGROUND_TASK', tags: ['nightly'] });
    await end(client, made.taskFailed.id, 'FAILED');
    made.taskCancelled = await start(client, { kind: 'BACKGROUND_TASK', tags: ['nightly'] });
    await end(client, made.taskCancelled.id, 'CANCELLED');
    made.runtime = await start(ingest ?? client, { kind: 'RUNTIME', ...(ingest ? {} : { owner: { type: 'MANAGED_AGENT', id: 'agent-7' } }) });
    made.runtimeEnded = await start(client, { kind: 'RUNTIME' });
    await end(client, made.runtimeEnded.id, 'ENDED');
    made.child = await start(client, { kind: 'BACKGROUND_TASK', parentSessionId: made.flowPending.id, subagent: { name: 'helper' } });
    return made;
  }

  let foreign: Record<string, Json>;

  beforeAll(async () => {
    Object.assign(s, await seed(ledger.admin, ledger.ingest));
    foreign = await seed(ledger.other, null);
    await setPinned(ledger.admin, s.flowDone!.id, true);
    await setPinned(ledger.admin, s.taskFailed!.id, true);
    await setPinned(ledger.viewer, s.taskBlocked!.id, true);
    await setPinned(ledger.other, foreign.flowDone!.id, true);
    all = await listAll(ledger.admin, null);
  });

  it('lists only the caller\'s organization, active first, then by last activity, newest first', () => {
    expect(sorted(ids(all))).toEqual(sorted(Object.values(s).map((x) => x.id)));
    const activeFlags = all.map((node) => node.active);
    const firstInactive = activeFlags.indexOf(false);
    expect(firstInactive).toBeGreaterThan(0);
    expect(activeFlags.slice(firstInactive)).not.toContain(true);
    expectNewestFirst(all.slice(0, firstInactive));
    expectNewestFirst(all.slice(firstInactive));
    // The child was started last of the active ones; the ended runtime was the last write of the inactive ones.
    expect(all[0]!.id).toBe(s.child!.id);
    expect(all[firstInactive]!.id).toBe(s.runtimeEnded!.id);
  });

  it('statusGroup and active follow the contract for each status', () => {
    const byId = new Map(all.map((node) => [node.id, node]));
    const group = (name: string) => byId.get(s[name]!.id)!;
    expect(group('chatActive')).toMatchObject({ status: 'OPEN', statusGroup: 'ACTIVE', active: true });
    expect(group('chatIdle')).toMatchObject({ status: 'OPEN', statusGroup: 'IDLE', active: false });
    expect(group('flowPending')).toMatchObject({ status: 'PENDING', statusGroup: 'ACTIVE', active: true });
    expect(group('flowDone')).toMatchObject({ status: 'COMPLETED', statusGroup: 'SUCCESS', active: false });
    expect(group('flowPaused')).toMatchObject({ status: 'PAUSED', statusGroup: 'ATTENTION', active: true });
    expect(group('flowRejected')).toMatchObject({ status: 'REJECTED', statusGroup: 'PROBLEM', active: false });
    expect(group('taskBlocked')).toMatchObject({ status: 'BLOCKED', statusGroup: 'ATTENTION', active: false });
    expect(group('taskFailed')).toMatchObject({ status: 'FAILED', statusGroup: 'PROBLEM', active: false });
    expect(group('taskCancelled')).toMatchObject({ status: 'CANCELLED', statusGroup: 'SUCCESS', active: false });
    expect(group('runtime')).toMatchObject({ status: 'OPEN', statusGroup: 'ACTIVE', active: true });
    expect(group('runtimeEnded')).toMatchObject({ status: 'ENDED', statusGroup: 'SUCCESS', active: false });
    expect(group('child')).toMatchObject({ status: 'QUEUED', statusGroup: 'ACTIVE', active: true });
  });

  const mid = () => {
    const times = all.map((node) => node.lastActivityAt as string).sort();
    return times[Math.floor(times.length / 2)]!;
  };

  /** [name, filter, the rows it must select (by the rows' own fields), the named sessions it must include]. */
  const FILTERS: [string, () => Json, (node: Json) => boolean, string[]][] = [
    ['kinds', () => ({ kinds: ['CHAT', 'RUNTIME'] }), (n) => ['CHAT', 'RUNTIME'].includes(n.kind), ['chatActive', 'chatIdle', 'runtime', 'runtimeEnded']],
    ['statuses', () => ({ statuses: ['OPEN', 'PAUSED'] }), (n) => ['OPEN', 'PAUSED'].includes(n.status), ['chatActive', 'chatIdle', 'flowPaused', 'runtime']],
    ['statusGroups ACTIVE', () => ({ statusGroups: ['ACTIVE'] }), (n) => n.statusGroup === 'ACTIVE', ['chatActive', 'flowPending', 'runtime', 'child']],
    ['statusGroups IDLE', () => ({ statusGroups: ['IDLE'] }), (n) => n.statusGroup === 'IDLE', ['chatIdle']],
    ['statusGroups ATTENTION', () => ({ statusGroups: ['ATTENTION'] }), (n) => n.statusGroup === 'ATTENTION', ['flowPaused', 'taskBlocked']],
    ['statusGroups SUCCESS', () => ({ statusGroups: ['SUCCESS'] }), (n) => n.statusGroup === 'SUCCESS', ['flowDone', 'taskCancelled', 'runtimeEnded']],
    ['statusGroups PROBLEM', () => ({ statusGroups: ['PROBLEM'] }), (n) => n.statusGroup === 'PROBLEM', ['flowRejected', 'taskFailed']],
    ['statusGroups IDLE + PROBLEM', () => ({ statusGroups: ['IDLE', 'PROBLEM'] }), (n) => ['IDLE', 'PROBLEM'].includes(n.statusGroup), ['chatIdle', 'taskFailed']],
    ['ownerIds', () => ({ ownerIds: ['u-1', 'svc-1', 'agent-7'] }), (n) => ['u-1', 'svc-1', 'agent-7'].includes(n.owner.id), ['chatActive', 'taskBlocked', 'runtime']],
    ['accountIds', () => ({ accountIds: ['acct-2'] }), (n) => n.accountId === 'acct-2', ['chatIdle', 'flowPending']],
    ['initiative', () => ({ initiative: 'init-1' }), (n) => n.initiative === 'init-1', ['chatActive', 'flowPending']],
    ['flowId', () => ({ flowId: 'deploy' }), (n) => n.flowId === 'deploy', ['flowPending', 'flowDone']],
    ['tags (one)', () => ({ tags: ['urgent'] }), (n) => n.tags.includes('urgent'), ['chatActive', 'flowDone']],
    ['tags (all of them)', () => ({ tags: ['web', 'urgent'] }), (n) => n.tags.includes('web') && n.tags.includes('urgent'), ['chatActive']],
    ['parentSessionId', () => ({ parentSessionId: s.flowPending!.id }), (n) => n.parentSessionId === s.flowPending!.id, ['child']],
    ['activeOnly', () => ({ activeOnly: true }), (n) => n.active, ['chatActive', 'flowPending', 'flowPaused', 'runtime', 'child']],
    ['activeOnly false', () => ({ activeOnly: false }), () => true, ['chatIdle']],
    ['pinnedOnly', () => ({ pinnedOnly: true }), (n) => [s.flowDone!.id, s.taskFailed!.id].includes(n.id), ['flowDone', 'taskFailed']],
    ['search in the title', () => ({ search: 'login BUG' }), (n) => n.id === s.chatActive!.id, ['chatActive']],
    ['search in the preview', () => ({ search: 'needle' }), (n) => n.id === s.chatActive!.id, ['chatActive']],
    ['search in the source reference', () => ({ search: 'ref-77' }), (n) => n.id === s.flowPending!.id, ['flowPending']],
    ['search with regex characters', () => ({ search: '.*' }), () => false, []],
    ['metadata (one key)', () => ({ metadata: { team: 'core' } }), (n) => n.metadata?.team === 'core', ['chatActive', 'chatIdle']],
    ['metadata (every key)', () => ({ metadata: { team: 'core', level: 2 } }), (n) => n.metadata?.team === 'core' && n.metadata?.level === 2, ['chatActive']],
    ['metadata (an array value, equal)', () => ({ metadata: { labels: ['x', 'y'] } }), (n) => n.id === s.chatActive!.id, ['chatActive']],
    ['metadata (an element is not the value)', () => ({ metadata: { labels: 'x' } }), () => false, []],
    ['metadata (an operator is a value, not a query)', () => ({ metadata: { team: { $ne: 'nobody' } } }), () => false, []],
    ['lastActivityAfter', () => ({ lastActivityAfter: mid() }), (n) => n.lastActivityAt > mid(), []],
    [
      'several at once',
      () => ({ kinds: ['FLOW_RUN'], flowId: 'deploy', statusGroups: ['ACTIVE', 'SUCCESS'], tags: ['ops'], accountIds: ['acct-2'] }),
      (n) => n.id === s.flowPending!.id,
      ['flowPending'],
    ],
  ];

  it.each(FILTERS)('filter %s selects exactly its rows, in order, with totalCount', async (_name, filter, selects, named) => {
    const expected = ids(all.filter(selects));
    const page = await sessionsPage(ledger.admin, filter(), 500);
    expect(ids(page.edges.map((edge: Json) => edge.node))).toEqual(expected);
    expect(page.totalCount).toBe(expected.length);
    expect(expected).toEqual(expect.arrayContaining(named.map((name) => s[name]!.id)));
    const small = await sessionsPage(ledger.admin, filter(), 1);
    expect(small.totalCount).toBe(expected.length);
  });

  it('lastActivityAfter is strict and selects a real subset', async () => {
    const cut = mid();
    const after = await listIds(ledger.admin, { lastActivityAfter: cut });
    expect(after.length).toBeGreaterThan(0);
    expect(after.length).toBeLessThan(all.length);
    expect(after).not.toContain(all.find((node) => node.lastActivityAt === cut)!.id);
  });

  it('pins are per principal: another key\'s pins do not show, and unpinning removes', async () => {
    expect(await listIds(ledger.viewer, { pinnedOnly: true })).toEqual([s.taskBlocked!.id]);
    await setPinned(ledger.admin, s.taskFailed!.id, false);
    expect(await listIds(ledger.admin, { pinnedOnly: true })).toEqual([s.flowDone!.id]);
    expect(await listIds(ledger.other, { pinnedOnly: true })).toEqual([foreign.flowDone!.id]);
    expect(await ledger.other.errorCode(PIN, { input: { sessionId: s.chatIdle!.id, pinned: true } })).toBe('NOT_FOUND');
    await setPinned(ledger.admin, s.taskFailed!.id, true);
  });

  it('first/after pages through the list without skipping or repeating, with hasNextPage and totalCount', async () => {
    const walked: string[] = [];
    let after: string | null = null;
    for (let pages = 0; ; pages += 1) {
      expect(pages).toBeLessThan(20);
      const page: Json = await sessionsPage(ledger.viewer, null, 5, after);
      expect(page.totalCount).toBe(all.length);
      walked.push(...ids(page.edges.map((edge: Json) => edge.node)));
      if (page.edges.length) expect(page.pageInfo.endCursor).toBe(page.edges[page.edges.length - 1].cursor);
      if (!page.pageInfo.hasNextPage) break;
      expect(page.edges).toHaveLength(5);
      after = page.pageInfo.endCursor;
    }
    expect(walked).toEqual(ids(all));

    const filtered = { statusGroups: ['SUCCESS', 'PROBLEM'] };
    const first = await sessionsPage(ledger.viewer, filtered, 2);
    const rest = await listAll(ledger.viewer, filtered);
    const second = await sessionsPage(ledger.viewer, filtered, 100, first.pageInfo.endCursor);
    expect([...ids(first.edges.map((e: Json) => e.node)), ...ids(second.edges.map((e: Json) => e.node))]).toEqual(ids(rest));
    expect(await ledger.viewer.errorCode(SESSIONS, { first: 5, after: 'not-a-cursor' })).toBe('BAD_USER_INPUT');
    expect(await ledger.viewer.errorCode(SESSIONS, { first: -1 })).toBe('BAD_USER_INPUT');
  });

  it('read-your-writes: a query right after a mutation sees the write', async () => {
    const { admin } = ledger;
    const marker = `marker-${Date.now()}`;
    await append(admin, s.chatIdle!.id, [{ type: 'MESSAGE', data: { role: 'user', text: `first words ${marker}` } }]);
    // chatIdle had no message, so its preview is this one; it is now active, and the newest.
    expect(await listIds(admin, { search: marker.toUpperCase() })).toEqual([s.chatIdle!.id]);
    expect((await sessionsPage(admin, null, 1)).edges[0].node).toMatchObject({ id: s.chatIdle!.id, active: true, statusGroup: 'ACTIVE' });
    expect((await commandCenter(admin)).activeNow[0].id).toBe(s.chatIdle!.id);

    await update(admin, { sessionId: s.taskBlocked!.id, tags: ['fresh-tag'] });
    expect(await listIds(admin, { tags: ['fresh-tag'] })).toEqual([s.taskBlocked!.id]);

    await setPinned(admin, s.runtime!.id, true);
    expect(await listIds(admin, { pinnedOnly: true })).toContain(s.runtime!.id);

    await end(admin, s.chatActive!.id, 'ENDED');
    const center = await commandCenter(admin);
    expect(ids(center.activeNow)).not.toContain(s.chatActive!.id);
    expect(center.recent[0].id).toBe(s.chatActive!.id);
    expect(await listIds(admin, { statuses: ['ENDED'] })).toContain(s.chatActive!.id);

    const now = new Date();
    await append(admin, s.runtime!.id, [{ type: 'MODEL_USAGE', data: { model: 'ryw-model', inputTokens: 3, outputTokens: 4, costUsd: 0.07 } }]);
    const rows = await usage(admin, { from: secondsFrom(now.toISOString(), -3600), to: secondsFrom(now.toISOString(), 3600), models: ['ryw-model'] }, []);
    expect(rows).toEqual([expect.objectContaining({ usage: expect.objectContaining({ requests: 1, totalTokens: 7, costUsd: 0.07 }) })]);
  });

  it('cursor pagination while another client keeps writing: rows whose place does not change come exactly once', async () => {
    // Keyset pagination on (active, lastActivityAt, id) with the cursor's own "now": a row whose
    // sort key does not change during the walk is returned exactly once, in order. A row written
    // during the walk moves to the top of its part: if the walk had not reached it yet, it is
    // skipped (it is now above the cursor); it can never come twice, because last activity only
    // grows. That is the achievable guarantee, and what is asserted here.
    const { admin } = ledger;
    const tag = 'walk';
    const stable: string[] = [];
    const hot: string[] = [];
    for (let i = 0; i < 12; i += 1) {
      stable.push((await start(admin, { kind: i % 2 ? 'RUNTIME' : 'CHAT', tags: [tag] })).id);
      hot.push((await start(admin, { kind: i % 2 ? 'RUNTIME' : 'CHAT', tags: [tag] })).id);
    }
    const before = await listIds(admin, { tags: [tag] });
    const stableOrder = before.filter((id) => stable.includes(id));
    expect(stableOrder).toHaveLength(stable.length);

    let writing = true;
    let writes = 0;
    const writer = (async () => {
      for (let i = 0; writing; i += 1) {
        await append(admin, hot[i % hot.length]!, [{ type: 'LOG', data: { message: `tick ${i}` } }]);
        if (i % 5 === 0) await start(admin, { kind: i % 2 ? 'RUNTIME' : 'CHAT', tags: [tag] });
        writes += 1;
      }
    })();

    const seen: string[] = [];
    let after: string | null = null;
    try {
      for (let pages = 0; ; pages += 1) {
        expect(pages).toBeLessThan(100);
        const page: Json = await sessionsPage(admin, { tags: [tag] }, 3, after);
        const pageIds = ids(page.edges.map((edge: Json) => edge.node));
        seen.push(...pageIds);
        // Between pages, move rows the walk has not reached yet to the top, across the cursor.
        const unseen = hot.filter((id) => !seen.includes(id));
        for (const id of unseen.slice(0, 2)) await append(admin, id, [{ type: 'LOG', data: { message: 'jump' } }]);
        if (!page.pageInfo.hasNextPage) break;
        after = page.pageInfo.endCursor;
      }
    } finally {
      writing = false;
      await writer;
    }
    expect(writes).toBeGreaterThan(0);
    expect(seen.length).toBe(new Set(seen).size);
    expect(seen.filter((id) => stable.includes(id))).toEqual(stableOrder);
  });
});

// ---------------------------------------------------------------- Command Center

describe('commandCenter: activeNow / recent / counts for all four kinds', () => {
  const CHAT_WINDOW = 3;
  const RECENT_WINDOW = 8;
  const ledger = useLedger({ CHAT_ACTIVE_WINDOW_SECONDS: String(CHAT_WINDOW), RECENT_WINDOW_SECONDS: String(RECENT_WINDOW) });

  it('splits sessions by the Active rules, most recent first, and moves a quiet chat and an idle runtime to recent', async () => {
    const { admin, other } = ledger;
    const s: Record<string, Json> = {};
    s.fPending = await start(admin, { kind: 'FLOW_RUN' });
    s.fRunning = await start(admin, { kind: 'FLOW_RUN' });
    await startRun(admin, s.fRunning.id, 'r');
    s.fPaused = await start(admin, { kind: 'FLOW_RUN' });
    await startRun(admin, s.fPaused.id, 'r');
    await append(admin, s.fPaused.id, [{ type: 'CHECKPOINT', data: { name: 'approve?' } }], 'r');
    s.fCompleted = await start(admin, { kind: 'FLOW_RUN' });
    await end(admin, s.fCompleted.id, 'COMPLETED');
    s.fBlocked = await start(admin, { kind: 'FLOW_RUN' });
    await update(admin, { sessionId: s.fBlocked.id, status: 'BLOCKED' });
    s.bQueued = await start(admin, { kind: 'BACKGROUND_TASK' });
    s.bProvisioning = await start(admin, { kind: 'BACKGROUND_TASK', status: 'PROVISIONING' });
    s.bRunning = await start(admin, { kind: 'BACKGROUND_TASK' });
    await startRun(admin, s.bRunning.id, 'r');
    s.bWaiting = await start(admin, { kind: 'BACKGROUND_TASK' });
    await update(admin, { sessionId: s.bWaiting.id, status: 'WAITING' });
    s.bBlocked = await start(admin, { kind: 'BACKGROUND_TASK' });
    await update(admin, { sessionId: s.bBlocked.id, status: 'BLOCKED' });
    s.cSilent = await start(admin, { kind: 'CHAT' });
    s.cEnded = await start(admin, { kind: 'CHAT' });
    await append(admin, s.cEnded.id, [{ type: 'MESSAGE', data: { role: 'user', text: 'bye' } }]);
    await end(admin, s.cEnded.id, 'ENDED');
    s.rEnded = await start(admin, { kind: 'RUNTIME' });
    await end(admin, s.rEnded.id, 'ENDED');
    s.rLong = await start(admin, { kind: 'RUNTIME' });
    s.rShort = await start(admin, { kind: 'RUNTIME', idleTimeoutSeconds: 2 });
    s.cTalking = await start(admin, { kind: 'CHAT' });
    await append(admin, s.cTalking.id, [{ type: 'MESSAGE', data: { role: 'user', text: 'hello' } }]);
    const talkedAt = Date.now();
    // The other organization's sessions of every kind are never counted or listed.
    const foreign = [
      (await start(other, { kind: 'FLOW_RUN' })).id,
      (await start(other, { kind: 'BACKGROUND_TASK', status: 'BLOCKED' })).id,
      (await start(other, { kind: 'RUNTIME' })).id,
    ];

    const activeNames = ['fPending', 'fRunning', 'fPaused', 'bQueued', 'bProvisioning', 'bRunning', 'bWaiting', 'rLong', 'rShort', 'cTalking'];
    const recentNames = ['fCompleted', 'fBlocked', 'bBlocked', 'cSilent', 'cEnded', 'rEnded'];
    const id = (name: string) => s[name]!.id as string;

    const now = await commandCenter(admin);
    expect(sorted(ids(now.activeNow))).toEqual(sorted(activeNames.map(id)));
    expect(sorted(ids(now.recent))).toEqual(sorted(recentNames.map(id)));
    expectNewestFirst(now.activeNow);
    expectNewestFirst(now.recent);
    expect(now.activeNow[0].id).toBe(id('cTalking'));
    expect(now.recent[0].id).toBe(id('rEnded'));
    expect(now.activeNow.every((row: Json) => row.active)).toBe(true);
    expect(now.recent.every((row: Json) => !row.active)).toBe(true);
    // Attention: WAITING, PAUSED or BLOCKED, among the active and the recent.
    expect(now.counts).toEqual({ active: activeNames.length, recent: recentNames.length, attention: 4 });
    expect(Date.parse(now.generatedAt)).toBeGreaterThan(talkedAt - 5000);
    for (const foreignId of foreign) expect([...ids(now.activeNow), ...ids(now.recent)]).not.toContain(foreignId);

    const limited = await commandCenter(admin, null, 3);
    expect(ids(limited.activeNow)).toEqual(ids(now.activeNow).slice(0, 3));
    expect(ids(limited.recent)).toEqual(ids(now.recent).slice(0, 3));
    expect(limited.counts).toEqual(now.counts);

    const tasks = await commandCenter(admin, { kinds: ['BACKGROUND_TASK'] });
    expect(sorted(ids(tasks.activeNow))).toEqual(sorted(['bQueued', 'bProvisioning', 'bRunning', 'bWaiting'].map(id)));
    expect(ids(tasks.recent)).toEqual([id('bBlocked')]);
    expect(tasks.counts).toEqual({ active: 4, recent: 1, attention: 2 });

    // The chat goes quiet after its window: no event, just time. The short runtime stops being
    // active after its idle timeout, and the system then ends it as TIMED_OUT (a real event).
    await sleep(Math.max(0, talkedAt + CHAT_WINDOW * 1000 + 500 - Date.now()));
    const later = await commandCenter(admin);
    const nowActive = activeNames.filter((name) => name !== 'cTalking' && name !== 'rShort');
    expect(sorted(ids(later.activeNow))).toEqual(sorted(nowActive.map(id)));
    expect(sorted(ids(later.recent))).toEqual(sorted([...recentNames, 'cTalking', 'rShort'].map(id)));
    expectNewestFirst(later.recent);
    expect(sorted(ids(later.recent).slice(0, 2))).toEqual(sorted([id('cTalking'), id('rShort')]));
    expect(later.counts).toEqual({ active: nowActive.length, recent: recentNames.length + 2, attention: 4 });
    expect(await session(admin, id('cTalking'))).toMatchObject({ status: 'OPEN', active: false, statusGroup: 'IDLE' });
    expect(await session(admin, id('rShort'))).toMatchObject({ status: 'TIMED_OUT', active: false, statusGroup: 'PROBLEM', endedBy: { type: 'SERVICE' } });
    expect(sorted(await listIds(admin, { activeOnly: true }))).toEqual(sorted(nowActive.map(id)));
    expect(await listIds(admin, { statusGroups: ['IDLE'] })).toEqual(expect.arrayContaining([id('cTalking'), id('cSilent')]));

    // Activity brings them back, on top.
    await append(admin, id('rLong'), [{ type: 'COMMAND', data: { command: 'ls' } }]);
    await append(admin, id('cTalking'), [{ type: 'MESSAGE', data: { role: 'user', text: 'still there?' } }]);
    const again = await commandCenter(admin);
    expect(ids(again.activeNow).slice(0, 2)).toEqual([id('cTalking'), id('rLong')]);
    // A non-message event keeps a chat's last activity but not its activity window.
    await append(admin, id('cSilent'), [{ type: 'LOG', data: { message: 'system note' } }]);
    expect((await commandCenter(admin)).recent[0].id).toBe(id('cSilent'));

    // Recent holds the last RECENT_WINDOW seconds only: the oldest rows leave it with time.
    await sleep(Math.max(0, Date.parse(now.recent[now.recent.length - 1].lastActivityAt) + RECENT_WINDOW * 1000 + 300 - Date.now()));
    const aged = await commandCenter(admin);
    const since = secondsFrom(aged.generatedAt, -RECENT_WINDOW);
    const everything = await listAll(admin, null);
    const expectedRecent = everything.filter((row) => !row.active && row.lastActivityAt > since);
    expect(ids(aged.recent)).toEqual(ids(expectedRecent));
    expect(ids(aged.recent)).not.toContain(id('fCompleted'));
    expect(ids(aged.recent)).toContain(id('cSilent'));
    expect(aged.counts.recent).toBe(expectedRecent.length);
  }, 30_000);
});

// ---------------------------------------------------------------- usage ledger

interface SentUsage {
  session: string;
  runId?: string;
  at: string;
  data: { model: string; inputTokens: number; outputTokens: number; cacheReadTokens?: number; cacheWriteTokens?: number; reasoningTokens?: number; costUsd?: number };
}

const PRICES = { 'priced-model': { inputPerMTok: 3, outputPerMTok: 15 } };

/** What the ledger must add up for one MODEL_USAGE event: the contract's rules, written out. */
function expectedUsage(data: SentUsage['data']): typeof ZERO {
  const price = PRICES[data.model as keyof typeof PRICES];
  const cacheRead = data.cacheReadTokens ?? 0;
  const cacheWrite = data.cacheWriteTokens ?? 0;
  const cost =
    data.costUsd ?? (price ? (data.inputTokens * price.inputPerMTok + data.outputTokens * price.outputPerMTok + (cacheRead + cacheWrite) * price.inputPerMTok) / 1e6 : 0);
  return {
    requests: 1,
    inputTokens: data.inputTokens,
    outputTokens: data.outputTokens,
    cacheReadTokens: cacheRead,
    cacheWriteTokens: cacheWrite,
    reasoningTokens: data.reasoningTokens ?? 0,
    totalTokens: data.inputTokens + data.outputTokens + cacheRead + cacheWrite,
    costUsd: cost,
    unpricedRequests: data.costUsd === undefined && !price ? 1 : 0,
  };
}

function addUp(rows: (typeof ZERO)[]): typeof ZERO {
  const total = { ...ZERO };
  for (const row of rows) for (const key of Object.keys(total) as (keyof typeof ZERO)[]) total[key] += row[key];
  return total;
}

function expectUsageClose(actual: Json, expected: typeof ZERO): void {
  const { costUsd, ...counts } = expected;
  expect(actual).toMatchObject(counts);
  expect(actual.costUsd).toBeCloseTo(costUsd, 6);
}

describe('usage: any grouping over a time range, totals equal to the MODEL_USAGE events sent', () => {
  const ledger = useLedger({ LEDGER_MODEL_PRICES: JSON.stringify(PRICES) });
  const DAY_1 = '2021-03-04';
  const DAY_2 = '2021-03-05';
  const RANGE = { from: `${DAY_1}T00:00:00.000Z`, to: '2021-03-06T00:00:00.000Z' };
  type Attribution = { accountId: string; flowId: string | null; principal: string };
  const attribution = new Map<string, Attribution>();
  const sent: SentUsage[] = [];
  const foreignSent: SentUsage[] = [];
  let sA: Json;
  let sB: Json;
  let sC: Json;
  let sD: Json;

  /** The same shape of usage in a session of any organization. */
  function plan(a: string, b: string, c: string, d: string): SentUsage[] {
    return [
      { session: a, runId: 'r1', at: `${DAY_1}T10:05:00.000Z`, data: { model: 'reported-model', inputTokens: 1000, outputTokens: 100, costUsd: 0.42 } },
      { session: a, runId: 'r1', at: `${DAY_1}T10:40:00.000Z`, data: { model: 'priced-model', inputTokens: 2000, outputTokens: 300, cacheReadTokens: 500 } },
      { session: a, at: `${DAY_1}T11:15:00.000Z`, data: { model: 'unpriced-model', inputTokens: 50, outputTokens: 5 } },
      {
        session: b,
        runId: 'r1',
        at: `${DAY_1}T11:30:00.000Z`,
        data: { model: 'priced-model', inputTokens: 1_000_000, outputTokens: 10_000, reasoningTokens: 4000, cacheWriteTokens: 200 },
      },
      { session: b, at: `${DAY_1}T23:59:59.999Z`, data: { model: 'priced-model', inputTokens: 1, outputTokens: 1, costUsd: 0.001 } },
      { session: c, at: `${DAY_2}T00:00:00.000Z`, data: { model: 'reported-model', inputTokens: 10, outputTokens: 10, costUsd: 0.0003 } },
      { session: c, at: `${DAY_2}T09:20:00.000Z`, data: { model: 'unpriced-model', inputTokens: 7, outputTokens: 3 } },
      { session: d, at: `${DAY_2}T09:59:00.000Z`, data: { model: 'priced-model', inputTokens: 100, outputTokens: 100 } },
      { session: d, at: `${DAY_1}T10:10:00.000Z`, data: { model: 'reported-model', inputTokens: 1, outputTokens: 1, costUsd: 1.5 } },
    ];
  }

  async function send(client: GraphQLClient, events: SentUsage[]): Promise<void> {
    for (const event of events) {
      await append(client, event.session, [{ type: 'MODEL_USAGE', at: event.at, data: event.data }], event.runId);
    }
  }

  beforeAll(async () => {
    const { admin, ingest, other } = ledger;
    sA = await start(admin, { kind: 'FLOW_RUN', accountId: 'acct-1', flowId: 'flow-x', owner: { type: 'USER', id: 'u-1', name: 'Una' } });
    sB = await start(admin, { kind: 'BACKGROUND_TASK', accountId: 'acct-1', owner: { type: 'SERVICE', id: 'svc-1' } });
    sC = await start(admin, { kind: 'CHAT', accountId: 'acct-2', flowId: 'flow-y', owner: { type: 'USER', id: 'u-1', name: 'Una' } });
    sD = await start(ingest, { kind: 'RUNTIME' });
    attribution.set(sA.id, { accountId: 'acct-1', flowId: 'flow-x', principal: 'USER:u-1' });
    attribution.set(sB.id, { accountId: 'acct-1', flowId: null, principal: 'SERVICE:svc-1' });
    attribution.set(sC.id, { accountId: 'acct-2', flowId: 'flow-y', principal: 'USER:u-1' });
    attribution.set(sD.id, { accountId: 'org-a', flowId: null, principal: 'MANAGED_AGENT:agent-7' });
    await startRun(admin, sA.id, 'r1');
    await startRun(admin, sB.id, 'r1');
    sent.push(...plan(sA.id, sB.id, sC.id, sD.id));
    await send(admin, sent.filter((event) => event.session !== sD.id));
    await send(ingest, sent.filter((event) => event.session === sD.id));

    // The other organization: the same account, flow, principal and model names, in the same hours.
    const oA = await start(other, { kind: 'FLOW_RUN', accountId: 'acct-1', flowId: 'flow-x', owner: { type: 'USER', id: 'u-1' } });
    const oB = await start(other, { kind: 'BACKGROUND_TASK', accountId: 'acct-1', owner: { type: 'SERVICE', id: 'svc-1' } });
    const oC = await start(other, { kind: 'CHAT', accountId: 'acct-2', flowId: 'flow-y', owner: { type: 'USER', id: 'u-1' } });
    const oD = await start(other, { kind: 'RUNTIME', owner: { type: 'MANAGED_AGENT', id: 'agent-7' } });
    await startRun(other, oA.id, 'r1');
    await startRun(other, oB.id, 'r1');
    foreignSent.push(...plan(oA.id, oB.id, oC.id, oD.id).map((event) => ({ ...event, data: { ...event.data, inputTokens: event.data.inputTokens * 7 } })));
    await send(other, foreignSent);
  });

  const DIMENSION_OF: Record<string, (event: SentUsage) => string | null> = {
    ACCOUNT: (event) => attribution.get(event.session)!.accountId,
    FLOW: (event) => attribution.get(event.session)!.flowId,
    MODEL: (event) => event.data.model,
    PRINCIPAL: (event) => attribution.get(event.session)!.principal,
    SESSION: (event) => event.session,
    DAY: (event) => `${event.at.slice(0, 10)}T00:00:00.000Z`,
    HOUR: (event) => `${event.at.slice(0, 13)}:00:00.000Z`,
  };

  function rowKey(row: Json, groupBy: string[]): string {
    const values: Record<string, unknown> = {
      ACCOUNT: row.accountId,
      FLOW: row.flowId,
      MODEL: row.model,
      PRINCIPAL: row.principal ? `${row.principal.type}:${row.principal.id}` : null,
      SESSION: row.sessionId,
      DAY: row.bucketStart,
      HOUR: row.bucketStart,
    };
    return JSON.stringify(groupBy.map((dimension) => values[dimension] ?? null));
  }

  function eventKey(event: SentUsage, groupBy: string[]): string {
    // With both DAY and HOUR the finer one decides: the hour determines the day.
    const dimensions = groupBy.includes('HOUR') ? groupBy.map((d) => (d === 'DAY' ? 'HOUR' : d)) : groupBy;
    return JSON.stringify(dimensions.map((dimension) => DIMENSION_OF[dimension]!(event)));
  }

  async function expectGrouping(groupBy: string[], filter: Json, events: SentUsage[]): Promise<void> {
    const rows = await usage(ledger.viewer, { ...RANGE, ...filter }, groupBy);
    const expected = new Map<string, (typeof ZERO)[]>();
    for (const event of events) {
      const key = eventKey(event, groupBy);
      expected.set(key, [...(expected.get(key) ?? []), expectedUsage(event.data)]);
    }
    expect(sorted(rows.map((row) => rowKey(row, groupBy)))).toEqual(sorted([...expected.keys()]));
    for (const row of rows) expectUsageClose(row.usage, addUp(expected.get(rowKey(row, groupBy))!));
    // Dimensions not asked for are not filled in.
    for (const row of rows) {
      if (!groupBy.includes('ACCOUNT')) expect(row.accountId).toBeNull();
      if (!groupBy.includes('FLOW')) expect(row.flowId).toBeNull();
      if (!groupBy.includes('MODEL')) expect(row.model).toBeNull();
      if (!groupBy.includes('PRINCIPAL')) expect(row.principal).toBeNull();
      if (!groupBy.includes('SESSION')) expect(row.sessionId).toBeNull();
      if (!groupBy.includes('DAY') && !groupBy.includes('HOUR')) expect(row.bucketStart).toBeNull();
    }
  }

  it('with no dimension: one row, the sum of every event sent (reported cost, price table, unpriced)', async () => {
    const rows = await usage(ledger.viewer, RANGE, []);
    expect(rows).toHaveLength(1);
    const total = addUp(sent.map((event) => expectedUsage(event.data)));
    expectUsageClose(rows[0]!.usage, total);
    // Written out once, so the rules above are checked against numbers and not only against themselves.
    expect(total).toMatchObject({ requests: 9, unpricedRequests: 2 });
    expect(rows[0]!.usage.costUsd).toBeCloseTo(0.42 + 0.012 + 3.1506 + 0.001 + 0.0003 + 0.0018 + 1.5, 6);
  });

  it.each([['ACCOUNT'], ['FLOW'], ['MODEL'], ['PRINCIPAL'], ['SESSION'], ['DAY'], ['HOUR']])('grouped by %s alone', async (dimension) => {
    await expectGrouping([dimension], {}, sent);
  });

  it.each([
    [['MODEL', 'DAY']],
    [['ACCOUNT', 'FLOW', 'PRINCIPAL']],
    [['SESSION', 'HOUR']],
    [['PRINCIPAL', 'MODEL', 'DAY']],
    [['HOUR', 'DAY']],
    [['ACCOUNT', 'FLOW', 'MODEL', 'PRINCIPAL', 'SESSION', 'DAY', 'HOUR']],
  ])('grouped by several at once: %j', async (groupBy) => {
    await expectGrouping(groupBy, {}, sent);
  });

  it('the principal row names the owner', async () => {
    const rows = await usage(ledger.viewer, RANGE, ['PRINCIPAL']);
    expect(rows.map((row) => row.principal)).toEqual(
      expect.arrayContaining([
        { type: 'USER', id: 'u-1', name: 'Una' },
        { type: 'SERVICE', id: 'svc-1', name: null },
        { type: 'MANAGED_AGENT', id: 'agent-7', name: 'Laptop agent' },
      ]),
    );
  });

  it.each([
    ['accountIds', { accountIds: ['acct-1'] }, (event: SentUsage) => attribution.get(event.session)!.accountId === 'acct-1'],
    ['flowIds', { flowIds: ['flow-x', 'flow-y'] }, (event: SentUsage) => attribution.get(event.session)!.flowId !== null],
    ['models', { models: ['priced-model'] }, (event: SentUsage) => event.data.model === 'priced-model'],
    ['principalIds', { principalIds: ['u-1'] }, (event: SentUsage) => attribution.get(event.session)!.principal === 'USER:u-1'],
    ['principalIds (a managed agent)', { principalIds: ['agent-7'] }, (event: SentUsage) => attribution.get(event.session)!.principal.endsWith(':agent-7')],
  ])('filtered by %s', async (_name, filter, keep) => {
    await expectGrouping(['SESSION', 'MODEL'], filter, sent.filter(keep));
    await expectGrouping([], filter, sent.filter(keep));
  });

  it('filtered by sessionIds, and by several fields at once', async () => {
    await expectGrouping(['SESSION', 'HOUR'], { sessionIds: [sB.id, sD.id] }, sent.filter((e) => e.session === sB.id || e.session === sD.id));
    await expectGrouping(
      ['MODEL'],
      { accountIds: ['acct-1'], models: ['priced-model', 'unpriced-model'], principalIds: ['u-1'] },
      sent.filter((e) => e.session === sA.id && e.data.model !== 'reported-model'),
    );
    expect(await usage(ledger.viewer, { ...RANGE, accountIds: ['no-such-account'] }, ['MODEL'])).toEqual([]);
  });

  it('the time range selects by the event\'s own time: from inclusive, to exclusive, in whole hours', async () => {
    const within = (from: string, to: string) => sent.filter((event) => event.at >= from && event.at < to);
    await expectGrouping(['HOUR'], { from: `${DAY_1}T11:00:00.000Z`, to: `${DAY_2}T00:00:00.000Z` }, within(`${DAY_1}T11:00:00.000Z`, `${DAY_2}T00:00:00.000Z`));
    await expectGrouping(['DAY'], { from: `${DAY_2}T00:00:00.000Z`, to: `${DAY_2}T10:00:00.000Z` }, within(`${DAY_2}T00:00:00.000Z`, `${DAY_2}T10:00:00.000Z`));
    // Buckets are hours: a bound inside an hour takes in the whole hour it falls in.
    await expectGrouping(['MODEL'], { from: `${DAY_1}T10:30:00.000Z`, to: `${DAY_1}T11:00:00.000Z` }, within(`${DAY_1}T10:00:00.000Z`, `${DAY_1}T11:00:00.000Z`));
    expect(await usage(ledger.viewer, { from: '2020-01-01T00:00:00.000Z', to: '2020-02-01T00:00:00.000Z' }, [])).toEqual([]);
    expect(await ledger.viewer.errorCode(USAGE_QUERY, { filter: { from: RANGE.to, to: RANGE.from }, groupBy: [] })).toBe('BAD_USER_INPUT');
  });

  it('the session and the run carry their cumulative usage', async () => {
    const found = await session(ledger.viewer, sA.id);
    expectUsageClose(found!.usage, addUp(sent.filter((e) => e.session === sA.id).map((e) => expectedUsage(e.data))));
    const run = (await ledger.viewer.request(RUN, { id: 'r1' })).run;
    const ofRun = sent.filter((e) => e.session === run.sessionId && e.runId === 'r1');
    expect(ofRun.length).toBeGreaterThan(0);
    expectUsageClose(run.usage, addUp(ofRun.map((e) => expectedUsage(e.data))));
  });

  it('another organization\'s usage with the same names never adds in, and it sees only its own', async () => {
    for (const groupBy of [[], ['ACCOUNT', 'FLOW', 'MODEL', 'PRINCIPAL', 'SESSION', 'HOUR']]) {
      const mine = await usage(ledger.viewer, RANGE, groupBy);
      const theirs = await usage(ledger.other, RANGE, groupBy);
      expectUsageClose(addUp(mine.map((row) => row.usage)), addUp(sent.map((e) => expectedUsage(e.data))));
      expectUsageClose(addUp(theirs.map((row) => row.usage)), addUp(foreignSent.map((e) => expectedUsage(e.data))));
      const foreignSessions = new Set(foreignSent.map((e) => e.session));
      for (const row of mine) expect(foreignSessions.has(row.sessionId)).toBe(false);
    }
    expect(await usage(ledger.other, { ...RANGE, sessionIds: [sA.id, sB.id] }, [])).toEqual([]);
  });

  it('read-your-writes: usage reported now shows at once', async () => {
    const before = new Date().toISOString();
    await append(ledger.ingest, sD.id, [{ type: 'MODEL_USAGE', data: { model: 'priced-model', inputTokens: 1000, outputTokens: 1000 } }]);
    const rows = await usage(ledger.viewer, { from: secondsFrom(before, -3600), to: secondsFrom(before, 3600), sessionIds: [sD.id] }, ['MODEL']);
    expect(rows).toHaveLength(1);
    expectUsageClose(rows[0]!.usage, expectedUsage({ model: 'priced-model', inputTokens: 1000, outputTokens: 1000 }));
  });
});

// ---------------------------------------------------------------- managed agents, projections

describe('managedAgents and projections', () => {
  const ledger = useLedger();
  let agentSessions: Json[];
  let buildBox: Json;

  beforeAll(async () => {
    const { admin, ingest, other } = ledger;
    const done = await start(ingest, { kind: 'BACKGROUND_TASK' });
    await append(ingest, done.id, [{ type: 'MODEL_USAGE', data: { model: 'm', inputTokens: 10, outputTokens: 1, costUsd: 0.1 } }]);
    await end(ingest, done.id, 'COMPLETED');
    const live = await start(ingest, { kind: 'RUNTIME' });
    await append(ingest, live.id, [{ type: 'MODEL_USAGE', data: { model: 'm', inputTokens: 20, outputTokens: 2, costUsd: 0.2 } }]);
    agentSessions = [done, live];
    buildBox = await start(admin, { kind: 'CHAT', owner: { type: 'MANAGED_AGENT', id: 'agent-9', name: 'Build box' } });
    await append(admin, buildBox.id, [{ type: 'MESSAGE', data: { role: 'user', text: 'hi' } }]);
    await end(admin, buildBox.id, 'ENDED');
    await start(admin, { kind: 'CHAT' });
    await start(admin, { kind: 'RUNTIME', owner: { type: 'SERVICE', id: 'svc-1' } });
    // The other organization has an agent with the same id.
    const theirs = await start(other, { kind: 'RUNTIME', owner: { type: 'MANAGED_AGENT', id: 'agent-7' } });
    await append(other, theirs.id, [{ type: 'MODEL_USAGE', data: { model: 'm', inputTokens: 999, outputTokens: 9, costUsd: 9 } }]);
  });

  it('lists the managed agents of the organization with sessionCount, activeSession, lastActivityAt and usage', async () => {
    const { edges, pageInfo } = (await ledger.viewer.request(MANAGED_AGENTS)).managedAgents;
    expect(pageInfo.hasNextPage).toBe(false);
    const nodes = edges.map((edge: Json) => edge.node);
    expect(nodes.map((node: Json) => node.principal.id)).toEqual(['agent-9', 'agent-7']);
    const sevenSessions = await Promise.all(agentSessions.map((x) => session(ledger.viewer, x.id)));
    expect(nodes[1]).toMatchObject({
      principal: { type: 'MANAGED_AGENT', id: 'agent-7', name: 'Laptop agent' },
      sessionCount: 2,
      activeSession: { id: agentSessions[1]!.id, kind: 'RUNTIME' },
      lastActivityAt: sevenSessions.map((x) => x!.lastActivityAt).sort().pop(),
      usage: { requests: 2, inputTokens: 30, outputTokens: 3, totalTokens: 33, costUsd: 0.3, unpricedRequests: 0 },
    });
    const box = await session(ledger.viewer, buildBox.id);
    expect(nodes[0]).toMatchObject({
      principal: { type: 'MANAGED_AGENT', id: 'agent-9', name: 'Build box' },
      sessionCount: 1,
      activeSession: null,
      lastActivityAt: box!.lastActivityAt,
      usage: ZERO,
    });
  });

  it('pages with first/after, and another organization sees only its own agents', async () => {
    const first = (await ledger.viewer.request(MANAGED_AGENTS, { first: 1 })).managedAgents;
    expect(first.edges).toHaveLength(1);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const second = (await ledger.viewer.request(MANAGED_AGENTS, { first: 1, after: first.pageInfo.endCursor })).managedAgents;
    expect(second.edges.map((edge: Json) => edge.node.principal.id)).toEqual(['agent-7']);
    expect(second.pageInfo.hasNextPage).toBe(false);

    const theirs = (await ledger.other.request(MANAGED_AGENTS)).managedAgents.edges.map((edge: Json) => edge.node);
    expect(theirs).toHaveLength(1);
    expect(theirs[0]).toMatchObject({ principal: { id: 'agent-7' }, sessionCount: 1, usage: { requests: 1, costUsd: 9 } });
  });

  it('projections: the five read models are LIVE with no lag right after writes', async () => {
    await setPinned(ledger.viewer, agentSessions[1]!.id, true);
    await append(ledger.ingest, agentSessions[1]!.id, [{ type: 'COMMAND', data: { command: 'make' } }]);
    const { projections } = await ledger.viewer.request(PROJECTIONS);
    expect(sorted(projections.map((p: Json) => p.name))).toEqual(sorted(['sessions', 'runs', 'usage', 'managed_agents', 'pins']));
    for (const projection of projections) {
      expect(projection).toMatchObject({ state: 'LIVE', lagEvents: 0, version: expect.any(Number) });
      expect(projection.processedEvents).toBeGreaterThan(0);
      expect(projection.checkpoint).toEqual(expect.any(String));
    }
    expect(new Set(projections.map((p: Json) => p.checkpoint)).size).toBe(1);
  });
});

// ---------------------------------------------------------------- tenancy

describe('tenancy: nothing of another organization is visible in any query', () => {
  const ledger = useLedger();
  type Org = { client: GraphQLClient; label: string; sessions: Json[]; parent: Json };
  const orgs: Record<'a' | 'b', Org> = {} as never;

  /** Identical data in both organizations: same titles, tags, owners, accounts, flows, metadata, run ids. */
  async function seed(client: GraphQLClient, label: string): Promise<Org> {
    const common = {
      title: 'Shared title',
      tags: ['shared'],
      accountId: 'acct-shared',
      initiative: 'init-shared',
      flowId: 'flow-shared',
      owner: { type: 'MANAGED_AGENT', id: 'agent-shared' },
      metadata: { env: 'prod' },
    };
    const parent = await start(client, { kind: 'FLOW_RUN', ...common, source: { type: 'flow', id: 'same-source', reference: 'REF-SHARED' } });
    await startRun(client, parent.id, 'run-shared');
    await startRun(client, parent.id, `run-only-${label}`);
    await append(
      client,
      parent.id,
      [
        { type: 'MESSAGE', data: { role: 'user', text: 'shared preview words' } },
        { type: 'TOOL_CALL', data: { toolCallId: 'tool-shared', name: 'tool', arguments: {} } },
        { type: 'TOOL_RESULT', data: { toolCallId: 'tool-shared', status: 'succeeded' } },
        { type: 'MODEL_USAGE', data: { model: 'shared-model', inputTokens: 10, outputTokens: 10, costUsd: 1 } },
      ],
      'run-shared',
    );
    const child = await start(client, { kind: 'BACKGROUND_TASK', ...common, parentSessionId: parent.id, subagent: { name: 'sub' } });
    const chat = await start(client, { kind: 'CHAT', ...common });
    await append(client, chat.id, [{ type: 'MESSAGE', data: { role: 'user', text: 'shared chat' } }]);
    const blocked = await start(client, { kind: 'BACKGROUND_TASK', ...common, status: 'BLOCKED' });
    const done = await start(client, { kind: 'RUNTIME', ...common });
    await end(client, done.id, 'FAILED');
    const idle = await start(client, { kind: 'CHAT', ...common });
    const completed = await start(client, { kind: 'FLOW_RUN', ...common });
    await end(client, completed.id, 'COMPLETED');
    for (const x of [parent, chat]) await setPinned(client, x.id, true);
    return { client, label, parent, sessions: [parent, child, chat, blocked, done, idle, completed] };
  }

  beforeAll(async () => {
    orgs.a = await seed(ledger.admin, 'a');
    orgs.b = await seed(ledger.other, 'b');
  });

  const every = (fn: (mine: Org, theirs: Org) => Promise<void>) => async () => {
    await fn(orgs.a, orgs.b);
    await fn(orgs.b, orgs.a);
  };

  it('session, sessionAsOf and timeline answer nothing for the other organization\'s ids', every(async (mine, theirs) => {
    for (const foreign of theirs.sessions) {
      expect(await session(mine.client, foreign.id)).toBeNull();
      expect((await mine.client.request(AS_OF, { id: foreign.id, sequence: 0 })).sessionAsOf).toBeNull();
      expect((await mine.client.request(TIMELINE, { id: foreign.id })).timeline).toEqual({ events: [], lastSequence: -1, hasMore: false });
    }
    const own = await mine.client.request(`query($id: ID!) { session(id: $id) { children { id } runs { edges { node { id sessionId } } } } }`, {
      id: mine.parent.id,
    });
    expect(ids(own.session.children)).toEqual([mine.sessions[1]!.id]);
    expect(own.session.runs.edges.map((edge: Json) => edge.node.id)).toEqual(['run-shared', `run-only-${mine.label}`]);
    expect(await mine.client.errorCode(START, { input: { kind: 'CHAT', parentSessionId: theirs.parent.id } })).toBe('NOT_FOUND');
  }));

  it('sessions, with every filter, lists and counts only the caller\'s own', every(async (mine, theirs) => {
    const filters: Json[] = [
      {},
      { kinds: ['FLOW_RUN', 'BACKGROUND_TASK', 'CHAT', 'RUNTIME'] },
      { statuses: ['RUNNING', 'OPEN', 'BLOCKED', 'FAILED', 'COMPLETED', 'QUEUED'] },
      ...['ACTIVE', 'IDLE', 'ATTENTION', 'SUCCESS', 'PROBLEM'].map((group) => ({ statusGroups: [group] })),
      { ownerIds: ['agent-shared'] },
      { accountIds: ['acct-shared'] },
      { initiative: 'init-shared' },
      { flowId: 'flow-shared' },
      { tags: ['shared'] },
      { parentSessionId: mine.parent.id },
      { parentSessionId: theirs.parent.id },
      { activeOnly: true },
      { pinnedOnly: true },
      { search: 'shared' },
      { search: 'ref-shared' },
      { metadata: { env: 'prod' } },
      { lastActivityAfter: '2000-01-01T00:00:00.000Z' },
    ];
    const theirIds = new Set(ids(theirs.sessions));
    const myIds = new Set(ids(mine.sessions));
    for (const filter of filters) {
      const page = await sessionsPage(mine.client, filter, 500);
      const listed = ids(page.edges.map((edge: Json) => edge.node));
      for (const id of listed) expect(theirIds.has(id)).toBe(false);
      for (const id of listed) expect(myIds.has(id)).toBe(true);
      expect(page.totalCount).toBe(listed.length);
      if (filter.parentSessionId !== theirs.parent.id) expect(listed.length).toBeGreaterThan(0);
    }
  }));

  it('commandCenter lists and counts only the caller\'s own', every(async (mine, theirs) => {
    const center = await commandCenter(mine.client);
    const listed = [...ids(center.activeNow), ...ids(center.recent)];
    expect(sorted(listed)).toEqual(sorted(ids(mine.sessions)));
    const own = await listAll(mine.client, null);
    expect(center.counts).toEqual({
      active: own.filter((x) => x.active).length,
      recent: own.filter((x) => !x.active).length,
      attention: own.filter((x) => x.statusGroup === 'ATTENTION').length,
    });
    for (const id of ids(theirs.sessions)) expect(listed).not.toContain(id);
    const filtered = await commandCenter(mine.client, { tags: ['shared'], search: 'shared' });
    for (const id of [...ids(filtered.activeNow), ...ids(filtered.recent)]) expect(ids(theirs.sessions)).not.toContain(id);
  }));

  it('run, usage and managedAgents show only the caller\'s own', every(async (mine, theirs) => {
    expect((await mine.client.request(RUN, { id: `run-only-${theirs.label}` })).run).toBeNull();
    expect((await mine.client.request(RUN, { id: `run-only-${mine.label}` })).run).toMatchObject({ sessionId: mine.parent.id });
    const run = (await mine.client.request(RUN, { id: 'run-shared' })).run;
    expect(run).toMatchObject({ sessionId: mine.parent.id, eventCount: 4, usage: { requests: 1, costUsd: 1 } });
    expect(run.toolCalls).toHaveLength(1);

    const range = { from: secondsFrom(new Date().toISOString(), -3600), to: secondsFrom(new Date().toISOString(), 3600) };
    const total = await usage(mine.client, range, []);
    expect(total).toHaveLength(1);
    expect(total[0]!.usage).toMatchObject({ requests: 1, inputTokens: 10, costUsd: 1 });
    const grouped = await usage(mine.client, { ...range, accountIds: ['acct-shared'], principalIds: ['agent-shared'], models: ['shared-model'], flowIds: ['flow-shared'] }, [
      'ACCOUNT',
      'FLOW',
      'MODEL',
      'PRINCIPAL',
      'SESSION',
      'DAY',
      'HOUR',
    ]);
    expect(grouped.map((row) => row.sessionId)).toEqual([mine.parent.id]);

    const agents = (await mine.client.request(MANAGED_AGENTS)).managedAgents.edges.map((edge: Json) => edge.node);
    expect(agents).toHaveLength(1);
    expect(agents[0]).toMatchObject({ principal: { id: 'agent-shared' }, sessionCount: mine.sessions.length, usage: { requests: 1, costUsd: 1 } });
  }));
});

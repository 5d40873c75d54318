import WebSocket from 'ws';
import { GraphQLClient } from './support/graphql-client';
import { collect, liveClient, sleep, within } from './support/live-client';
import { KEYS, LedgerServer, removeDir, startServer } from './support/ledger-server';

const START = `mutation($input: StartSessionInput!) { startSession(input: $input) { id sequence } }`;
const APPEND = `mutation($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { lastSequence } }`;
const TIMELINE_SUB = `subscription($id: ID!, $after: Int, $types: [String!]) { timeline(sessionId: $id, after: $after, types: $types) { sequence type id data } }`;
const CC_SUB = `subscription($filter: SessionFilter) { commandCenter(filter: $filter) { section at session { id status active kind } } }`;
const CHANGED_SUB = `subscription($id: ID!) { sessionChanged(id: $id) { id sequence status title } }`;

interface TimelineItem {
  sequence: number;
  type: string;
}
interface CcItem {
  section: string;
  session: { id: string; status: string; active: boolean; kind: string };
}

const message = (text: string) => ({ type: 'MESSAGE', data: { role: 'user', text } });

function expectContiguous(items: TimelineItem[], from: number, to: number): void {
  expect(items.map((i) => i.sequence)).toEqual(Array.from({ length: to - from + 1 }, (_, i) => from + i));
}

describe('live: subscriptions over graphql-ws', () => {
  let server: LedgerServer;
  let ingest: GraphQLClient;
  const clients: { dispose(): void | Promise<void> }[] = [];
  const client = (key: string | null) => {
    const c = liveClient(server.url, key);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    server = await startServer({ env: { CHAT_ACTIVE_WINDOW_SECONDS: '2', RECENT_WINDOW_SECONDS: '4', SUBSCRIBER_BUFFER_SIZE: '50' } });
    ingest = new GraphQLClient(server.url, KEYS.ingest.key);
  });

  afterAll(async () => {
    for (const c of clients) await c.dispose();
    await server.stop();
    removeDir(server.dataDir);
  });

  it('an unknown key is closed with 4403 Forbidden', async () => {
    const sub = collect(client('not-a-key-0000000000000'), CC_SUB);
    await sub.until(() => sub.error !== null, 5000).catch(() => undefined);
    expect(sub.error).toEqual({ code: 4403, reason: 'Forbidden' });
  });

  it('timeline: replays after `after`, then goes live, with no gap and no duplicate while another client appends', async () => {
    const { id } = (await ingest.request(START, { input: { kind: 'CHAT' } })).startSession;
    for (let batch = 0; batch < 4; batch += 1) {
      await ingest.request(APPEND, { input: { sessionId: id, events: Array.from({ length: 100 }, (_, i) => message(`b${batch}-${i}`)) } });
    }
    const appending = (async () => {
      for (let batch = 0; batch < 20; batch += 1) {
        await ingest.request(APPEND, { input: { sessionId: id, events: Array.from({ length: 20 }, (_, i) => message(`live${batch}-${i}`)) } });
      }
    })();
    const sub = collect<TimelineItem>(client(KEYS.viewer.key), TIMELINE_SUB, { id, after: 10 });
    await appending;
    const last = 400 + 20 * 20;
    await sub.until((items) => items.length > 0 && items[items.length - 1]!.sequence >= last);
    expectContiguous(sub.items, 11, last);
    sub.stop();
  });

  it('timeline: a client that reconnects with the last sequence it saw misses nothing', async () => {
    const { id } = (await ingest.request(START, { input: { kind: 'CHAT' } })).startSession;
    await ingest.request(APPEND, { input: { sessionId: id, events: [message('1'), message('2')] } });
    const first = collect<TimelineItem>(client(KEYS.viewer.key), TIMELINE_SUB, { id, after: -1 });
    await first.until((items) => items.length === 3);
    first.stop();
    const seen = first.items[first.items.length - 1]!.sequence;
    await ingest.request(APPEND, { input: { sessionId: id, events: [message('3'), message('4')] } });
    const resumed = collect<TimelineItem>(client(KEYS.viewer.key), TIMELINE_SUB, { id, after: seen });
    await ingest.request(APPEND, { input: { sessionId: id, events: [message('5')] } });
    await resumed.until((items) => items.length === 3);
    expectContiguous([...first.items, ...resumed.items], 0, 5);
    resumed.stop();
  });

  it('timeline: the types filter delivers only those types', async () => {
    const { id } = (await ingest.request(START, { input: { kind: 'RUNTIME' } })).startSession;
    const sub = collect<TimelineItem>(client(KEYS.viewer.key), TIMELINE_SUB, { id, after: -1, types: ['COMMAND'] });
    await ingest.request(APPEND, { input: { sessionId: id, events: [message('x'), { type: 'COMMAND', data: { command: 'ls' } }, message('y'), { type: 'COMMAND', data: { command: 'pwd' } }] } });
    await sub.until((items) => items.length === 2);
    expect(sub.items.map((i) => [i.sequence, i.type])).toEqual([
      [2, 'COMMAND'],
      [4, 'COMMAND'],
    ]);
    sub.stop();
  });

  it('sessionChanged: the Session after every change, in order', async () => {
    const { id } = (await ingest.request(START, { input: { kind: 'BACKGROUND_TASK' } })).startSession;
    const sub = collect<{ sequence: number; status: string; title: string | null }>(client(KEYS.viewer.key), CHANGED_SUB, { id });
    await sleep(200);
    const operator = new GraphQLClient(server.url, KEYS.operator.key);
    await ingest.request(`mutation($id: ID!) { startRun(input: { sessionId: $id, runId: "r" }) { id } }`, { id });
    await operator.request(`mutation($id: ID!) { updateSession(input: { sessionId: $id, title: "renamed" }) { id } }`, { id });
    await operator.request(`mutation($id: ID!) { endSession(input: { sessionId: $id, status: CANCELLED }) { id } }`, { id });
    await sub.until((items) => items.some((i) => i.status === 'CANCELLED'));
    expect(sub.items.map((i) => i.sequence)).toEqual([1, 2, 3]);
    expect(sub.items.map((i) => i.status)).toEqual(['RUNNING', 'RUNNING', 'CANCELLED']);
    expect(sub.items[1]!.title).toBe('renamed');
    sub.stop();
  });

  it('commandCenter: a chat enters ACTIVE_NOW, goes quiet (RECENT) after its window, and ages out (GONE)', async () => {
    const sub = collect<CcItem>(client(KEYS.viewer.key), CC_SUB, { filter: { kinds: ['CHAT'], tags: ['quiet-test'] } });
    await sleep(200);
    const { id } = (await ingest.request(START, { input: { kind: 'CHAT', tags: ['quiet-test'] } })).startSession;
    const sentAt = Date.now();
    await ingest.request(APPEND, { input: { sessionId: id, events: [message('hello')] } });
    await sub.until((items) => items.some((i) => i.session.id === id && i.section === 'ACTIVE_NOW'));
    const becameActive = sub.items.findIndex((i) => i.section === 'ACTIVE_NOW');
    await sub.until((items) => items.slice(becameActive).some((i) => i.section === 'RECENT'), 6000);
    const quietAfter = Date.now() - sentAt;
    expect(quietAfter).toBeGreaterThanOrEqual(1900);
    expect(quietAfter).toBeLessThan(4000);
    await sub.until((items) => items.some((i) => i.section === 'GONE'), 8000);
    const sections = sub.items.filter((i) => i.session.id === id).map((i) => i.section);
    expect(sections[0]).toBe('RECENT'); // started: no message yet, so recent and not active
    expect(sections.slice(-3)).toEqual(['ACTIVE_NOW', 'RECENT', 'GONE']);
    sub.stop();
  }, 20_000);

  it('a RUNTIME idle past its timeout is ended as TIMED_OUT by the system, once', async () => {
    const { id } = (await ingest.request(START, { input: { kind: 'RUNTIME', idleTimeoutSeconds: 1 } })).startSession;
    const changed = collect<{ status: string; sequence: number }>(client(KEYS.viewer.key), CHANGED_SUB, { id });
    const startedAt = Date.now();
    await changed.until((items) => items.some((i) => i.status === 'TIMED_OUT'), 5000);
    expect(Date.now() - startedAt).toBeLessThan(3000);
    const viewer = new GraphQLClient(server.url, KEYS.viewer.key);
    const timeline = (await viewer.request(`query($id: ID!) { timeline(sessionId: $id) { events { type actor { type id } data } } }`, { id })).timeline;
    const ended = timeline.events.filter((e: { type: string }) => e.type === 'SessionEnded');
    expect(ended).toEqual([{ type: 'SessionEnded', actor: { type: 'SERVICE', id: 'agent-ledger' }, data: expect.objectContaining({ status: 'TIMED_OUT' }) }]);
    changed.stop();
  });

  it('never delivers another organization\'s sessions', async () => {
    const otherCc = collect<CcItem>(client(KEYS.otherOrg.key), CC_SUB);
    const { id } = (await ingest.request(START, { input: { kind: 'FLOW_RUN' } })).startSession;
    const otherChanged = collect(client(KEYS.otherOrg.key), CHANGED_SUB, { id });
    const otherTimeline = collect<TimelineItem>(client(KEYS.otherOrg.key), TIMELINE_SUB, { id, after: -1 });
    const mine = collect<CcItem>(client(KEYS.viewer.key), CC_SUB);
    await sleep(300);
    await ingest.request(`mutation($id: ID!) { startRun(input: { sessionId: $id }) { id } }`, { id });
    await mine.until((items) => items.some((i) => i.session.id === id));
    await sleep(300);
    expect(otherCc.items.filter((i) => i.session.id === id)).toEqual([]);
    expect(otherChanged.items).toEqual([]);
    expect(otherTimeline.items).toEqual([]);
    for (const s of [otherCc, otherChanged, otherTimeline, mine]) s.stop();
  });

  it('a stalled subscriber is closed with a reason; the others keep receiving', async () => {
    const big = { blob: 'x'.repeat(60_000) };
    const ids: string[] = [];
    for (let i = 0; i < 80; i += 1) ids.push((await ingest.request(START, { input: { kind: 'FLOW_RUN', tags: ['stall'], metadata: big } })).startSession.id);
    const healthy = collect<CcItem>(client(KEYS.viewer.key), CC_SUB, { filter: { tags: ['stall'] } });
    // A raw graphql-ws connection that subscribes and then stops reading its socket.
    const raw = new WebSocket(server.url.replace(/^http/, 'ws'), 'graphql-transport-ws');
    const closed = new Promise<{ code: number; reason: string }>((resolve) => raw.on('close', (code, reason) => resolve({ code, reason: String(reason) })));
    await new Promise((resolve) => raw.on('open', resolve));
    raw.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${KEYS.viewer.key}` } }));
    await new Promise((resolve) => raw.once('message', resolve));
    raw.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: `subscription { commandCenter(filter: { tags: ["stall"] }) { section session { id metadata } } }` } }));
    await sleep(200);
    const socket = (raw as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    socket.pause();
    for (let round = 0; round < 4; round += 1) {
      await Promise.all(ids.map((id, i) => ingest.request(`mutation($id: ID!, $r: ID!) { startRun(input: { sessionId: $id, runId: $r }) { id } }`, { id, r: `r${round}-${i}` })));
    }
    await sleep(1000);
    // The slow reader catches up: behind its backlog it finds the close frame, with the reason.
    socket.resume();
    const close = await within(closed, 15_000);
    expect(close).toEqual({ code: 4008, reason: expect.stringContaining('subscriber too slow') });
    await healthy.until((items) => ids.every((id) => items.some((i) => i.session.id === id)), 10_000);
    healthy.stop();
  }, 40_000);
});

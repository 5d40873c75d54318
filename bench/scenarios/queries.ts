import { BenchContext, fmt, QUERIED_ORG } from '../support/context';
import { GraphQLClient } from '../support/graphql';
import { log } from '../support/progress';
import { row, Row } from '../support/report';
import { now, percentile } from '../support/stats';
import { loadedServer } from './loaded-server';
import type { Scenario } from './scenario';

/** The fields a dashboard row shows. */
const ROW = `fragment Row on Session {
  id kind status statusGroup active title model flowId tags
  owner { type id name }
  progress { current total unit label }
  preview lastActivityAt createdAt
  usage { requests totalTokens costUsd }
}`;

export const SESSIONS_QUERY = `query($first: Int, $after: String) {
  sessions(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ...Row } }
  }
}
${ROW}`;

export const COMMAND_CENTER_QUERY = `{
  commandCenter {
    generatedAt
    counts { active attention recent }
    activeNow { ...Row }
    recent { ...Row }
  }
}
${ROW}`;

export const USAGE_QUERY = `query($from: DateTime!, $to: DateTime!) {
  usage(filter: { from: $from, to: $to }, groupBy: [MODEL]) {
    model
    usage { requests inputTokens outputTokens cacheReadTokens totalTokens costUsd unpricedRequests }
  }
}`;

/** What a session's detail page loads: the session, its subagents, its runs and their tool calls. */
export const DETAIL_QUERY = `query($id: ID!) {
  session(id: $id) {
    ...Row
    accountId initiative parentSessionId sequence endedAt endReason idleTimeoutSeconds metadata outputPreview
    source { type id reference }
    subagent { name task }
    environment { sandbox runtime repo branch surface }
    lastError { code message at }
    endedBy { type id }
    usage { inputTokens outputTokens cacheReadTokens cacheWriteTokens reasoningTokens unpricedRequests }
    children { id title status }
    runs(first: 20) {
      pageInfo { hasNextPage endCursor }
      edges { node { id status model eventCount startedAt finishedAt usage { totalTokens costUsd } error { code message }
        toolCalls { id name status durationMs outputPreview } } }
    }
  }
}
${ROW}`;

interface Measured {
  p50: number;
  p95: number;
  samples: number[];
}

async function measure(client: GraphQLClient, count: number, warmup: number, body: (i: number) => string): Promise<Measured> {
  for (let i = 0; i < warmup; i += 1) await client.postRaw(body(i));
  const samples: number[] = [];
  for (let i = 0; i < count; i += 1) {
    const t = now();
    await client.postRaw(body(i + warmup));
    samples.push(now() - t);
  }
  return { p50: percentile(samples, 50), p95: percentile(samples, 95), samples };
}

function latencyRows(figure: string, m: Measured, target: number | null, note?: string): Row[] {
  return [
    row({ scenario: '8', figure: `${figure} p50`, value: m.p50, unit: 'ms' }),
    row({
      scenario: '8',
      figure: `${figure} p95`,
      value: m.p95,
      unit: 'ms',
      ...(target === null ? {} : { target: { op: '<=' as const, value: target, label: `<= ${target} ms` } }),
      ...(note ? { note } : {}),
    }),
  ];
}

/**
 * Scenario 8: the read side at size (100 000 sessions, 1 000 000 run events at full scale),
 * one request at a time from a VIEWER key, latency end to end over HTTP on the same machine.
 */
export const queriesScenario: Scenario = {
  id: '8',
  title: 'queries at size',
  async run(ctx: BenchContext) {
    const loaded = await loadedServer(ctx);
    const { viewer, dataset } = loaded;
    const { queryRequests: n, deepPages } = ctx.sizes;
    const warmup = Math.min(20, n);
    const expectedSessions = dataset.summary.sessionsByOrganization[QUERIED_ORG] ?? 0;
    const sessionLabel = `${fmt(dataset.summary.sessions)} sessions / ${fmt(dataset.summary.runEvents)} run events`;

    const first = await viewer.request<{ sessions: { totalCount: number; pageInfo: { endCursor: string | null } } }>(SESSIONS_QUERY, { first: 50 });
    if (first.sessions.totalCount !== expectedSessions) {
      throw new Error(`sessions.totalCount is ${first.sessions.totalCount}, expected ${expectedSessions}: the read model is not what the fill wrote`);
    }
    log(`[8] sessions(first: 50) x ${n}`);
    const firstPage = await measure(viewer, n, warmup, () => JSON.stringify({ query: SESSIONS_QUERY, variables: { first: 50 } }));

    let cursor = first.sessions.pageInfo.endCursor;
    for (let page = 2; page <= deepPages && cursor; page += 1) {
      const next = await viewer.request<{ sessions: { pageInfo: { endCursor: string | null } } }>(SESSIONS_QUERY, { first: 50, after: cursor });
      cursor = next.sessions.pageInfo.endCursor;
    }
    log(`[8] sessions page ${deepPages + 1} (after ${deepPages * 50} rows) x ${n}`);
    const deepPage = await measure(viewer, n, warmup, () => JSON.stringify({ query: SESSIONS_QUERY, variables: { first: 50, after: cursor } }));

    log(`[8] commandCenter x ${n}`);
    const cc = await viewer.request<{ commandCenter: { counts: { active: number; attention: number; recent: number } } }>(COMMAND_CENTER_QUERY);
    const commandCenter = await measure(viewer, n, warmup, () => JSON.stringify({ query: COMMAND_CENTER_QUERY }));

    const to = new Date(Math.max(dataset.now, Date.now())).toISOString();
    const from = new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
    const usageBody = JSON.stringify({ query: USAGE_QUERY, variables: { from, to } });
    const usageAnswer = await viewer.postRaw<{ usage: { model: string; usage: { requests: number } }[] }>(usageBody);
    log(`[8] usage(30 days, groupBy: [MODEL]) x ${n}`);
    const usage = await measure(viewer, n, warmup, () => usageBody);

    const ids = dataset.summary.sampleSessionIds[QUERIED_ORG] ?? [];
    if (ids.length === 0) throw new Error('no session ids sampled from the dataset');
    log(`[8] session(id) detail x ${n}`);
    const detail = await measure(viewer, n, warmup, (i) => JSON.stringify({ query: DETAIL_QUERY, variables: { id: ids[i % ids.length] } }));

    const requests = usageAnswer.usage.reduce((sum, r) => sum + r.usage.requests, 0);
    ctx.detail('8', {
      listeningMs: loaded.listeningMs,
      readyMs: loaded.readyMs,
      totalCount: first.sessions.totalCount,
      commandCenterCounts: cc.commandCenter.counts,
      usageRows: usageAnswer.usage.length,
      usageRequests: requests,
      firstPage: { p50: firstPage.p50, p95: firstPage.p95 },
      deepPage: { p50: deepPage.p50, p95: deepPage.p95 },
      commandCenter: { p50: commandCenter.p50, p95: commandCenter.p95 },
      usage: { p50: usage.p50, p95: usage.p95 },
      detail: { p50: detail.p50, p95: detail.p95 },
    });
    const counts = cc.commandCenter.counts;
    ctx.add(
      row({
        scenario: '8',
        figure: `server start on ${sessionLabel}: listening`,
        value: loaded.listeningMs / 1000,
        unit: 's',
      }),
      row({
        scenario: '8',
        figure: 'server start: read models rebuilt (ready)',
        value: loaded.readyMs / 1000,
        unit: 's',
        note: `${fmt(dataset.summary.events)} events replayed into memory at start: ${fmt(dataset.summary.events / ((loaded.readyMs - loaded.listeningMs) / 1000))} events/s after listening`,
      }),
      row({
        scenario: '8',
        figure: 'graceful stop (projections stop, last snapshot written)',
        value: loaded.gracefulStopMs / 1000,
        unit: 's',
      }),
      row({
        scenario: '8',
        figure: `restart on ${fmt(dataset.summary.events)} events until the read models are live and /health is ready`,
        value: loaded.restartReadyMs / 1000,
        unit: 's',
        target: { op: '<=', value: 5, label: '<= 5 s' },
        note: `listening after ${(loaded.restartListeningMs / 1000).toFixed(2)} s (the snapshot loads before the server listens); the queries below run on this restarted server`,
      }),
      ...latencyRows('sessions(first: 50)', firstPage, 10, `totalCount ${fmt(first.sessions.totalCount)}`),
      ...latencyRows(`sessions page ${deepPages + 1} (cursor)`, deepPage, 10),
      ...latencyRows('commandCenter', commandCenter, 10, `${counts.active} active, ${counts.attention} attention, ${counts.recent} recent`),
      ...latencyRows('usage 30 days by MODEL', usage, 50, `${usageAnswer.usage.length} rows, ${fmt(requests)} requests`),
      ...latencyRows('session(id) detail with runs', detail, null),
    );
  },
};

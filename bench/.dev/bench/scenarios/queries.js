"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.queriesScenario = exports.DETAIL_QUERY = exports.USAGE_QUERY = exports.COMMAND_CENTER_QUERY = exports.SESSIONS_QUERY = void 0;
const context_1 = require("../support/context");
const progress_1 = require("../support/progress");
const report_1 = require("../support/report");
const stats_1 = require("../support/stats");
const loaded_server_1 = require("./loaded-server");
/** The fields a dashboard row shows. */
const ROW = `fragment Row on Session {
  id kind status statusGroup active title model flowId tags
  owner { type id name }
  progress { current total unit label }
  preview lastActivityAt createdAt
  usage { requests totalTokens costUsd }
}`;
exports.SESSIONS_QUERY = `query($first: Int, $after: String) {
  sessions(first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { cursor node { ...Row } }
  }
}
${ROW}`;
exports.COMMAND_CENTER_QUERY = `{
  commandCenter {
    generatedAt
    counts { active attention recent }
    activeNow { ...Row }
    recent { ...Row }
  }
}
${ROW}`;
exports.USAGE_QUERY = `query($from: DateTime!, $to: DateTime!) {
  usage(filter: { from: $from, to: $to }, groupBy: [MODEL]) {
    model
    usage { requests inputTokens outputTokens cacheReadTokens totalTokens costUsd unpricedRequests }
  }
}`;
/** What a session's detail page loads: the session, its subagents, its runs and their tool calls. */
exports.DETAIL_QUERY = `query($id: ID!) {
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
async function measure(client, count, warmup, body) {
    for (let i = 0; i < warmup; i += 1)
        await client.postRaw(body(i));
    const samples = [];
    for (let i = 0; i < count; i += 1) {
        const t = (0, stats_1.now)();
        await client.postRaw(body(i + warmup));
        samples.push((0, stats_1.now)() - t);
    }
    return { p50: (0, stats_1.percentile)(samples, 50), p95: (0, stats_1.percentile)(samples, 95), samples };
}
function latencyRows(figure, m, target, note) {
    return [
        (0, report_1.row)({ scenario: '8', figure: `${figure} p50`, value: m.p50, unit: 'ms' }),
        (0, report_1.row)({
            scenario: '8',
            figure: `${figure} p95`,
            value: m.p95,
            unit: 'ms',
            ...(target === null ? {} : { target: { op: '<=', value: target, label: `<= ${target} ms` } }),
            ...(note ? { note } : {}),
        }),
    ];
}
/**
 * Scenario 8: the read side at size (100 000 sessions, 1 000 000 run events at full scale),
 * one request at a time from a VIEWER key, latency end to end over HTTP on the same machine.
 */
exports.queriesScenario = {
    id: '8',
    title: 'queries at size',
    async run(ctx) {
        const loaded = await (0, loaded_server_1.loadedServer)(ctx);
        const { viewer, dataset } = loaded;
        const { queryRequests: n, deepPages } = ctx.sizes;
        const warmup = Math.min(20, n);
        const expectedSessions = dataset.summary.sessionsByOrganization[context_1.QUERIED_ORG] ?? 0;
        const sessionLabel = `${(0, context_1.fmt)(dataset.summary.sessions)} sessions / ${(0, context_1.fmt)(dataset.summary.runEvents)} run events`;
        const first = await viewer.request(exports.SESSIONS_QUERY, { first: 50 });
        if (first.sessions.totalCount !== expectedSessions) {
            throw new Error(`sessions.totalCount is ${first.sessions.totalCount}, expected ${expectedSessions}: the read model is not what the fill wrote`);
        }
        (0, progress_1.log)(`[8] sessions(first: 50) x ${n}`);
        const firstPage = await measure(viewer, n, warmup, () => JSON.stringify({ query: exports.SESSIONS_QUERY, variables: { first: 50 } }));
        let cursor = first.sessions.pageInfo.endCursor;
        for (let page = 2; page <= deepPages && cursor; page += 1) {
            const next = await viewer.request(exports.SESSIONS_QUERY, { first: 50, after: cursor });
            cursor = next.sessions.pageInfo.endCursor;
        }
        (0, progress_1.log)(`[8] sessions page ${deepPages + 1} (after ${deepPages * 50} rows) x ${n}`);
        const deepPage = await measure(viewer, n, warmup, () => JSON.stringify({ query: exports.SESSIONS_QUERY, variables: { first: 50, after: cursor } }));
        (0, progress_1.log)(`[8] commandCenter x ${n}`);
        const cc = await viewer.request(exports.COMMAND_CENTER_QUERY);
        const commandCenter = await measure(viewer, n, warmup, () => JSON.stringify({ query: exports.COMMAND_CENTER_QUERY }));
        const to = new Date(Math.max(dataset.now, Date.now())).toISOString();
        const from = new Date(Date.parse(to) - 30 * 86_400_000).toISOString();
        const usageBody = JSON.stringify({ query: exports.USAGE_QUERY, variables: { from, to } });
        const usageAnswer = await viewer.postRaw(usageBody);
        (0, progress_1.log)(`[8] usage(30 days, groupBy: [MODEL]) x ${n}`);
        const usage = await measure(viewer, n, warmup, () => usageBody);
        const ids = dataset.summary.sampleSessionIds[context_1.QUERIED_ORG] ?? [];
        if (ids.length === 0)
            throw new Error('no session ids sampled from the dataset');
        (0, progress_1.log)(`[8] session(id) detail x ${n}`);
        const detail = await measure(viewer, n, warmup, (i) => JSON.stringify({ query: exports.DETAIL_QUERY, variables: { id: ids[i % ids.length] } }));
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
        ctx.add((0, report_1.row)({
            scenario: '8',
            figure: `server start on ${sessionLabel}: listening`,
            value: loaded.listeningMs / 1000,
            unit: 's',
        }), (0, report_1.row)({
            scenario: '8',
            figure: 'server start: read models rebuilt (ready)',
            value: loaded.readyMs / 1000,
            unit: 's',
            note: `${(0, context_1.fmt)(dataset.summary.events)} events replayed into memory at start: ${(0, context_1.fmt)(dataset.summary.events / ((loaded.readyMs - loaded.listeningMs) / 1000))} events/s after listening`,
        }), ...latencyRows('sessions(first: 50)', firstPage, 10, `totalCount ${(0, context_1.fmt)(first.sessions.totalCount)}`), ...latencyRows(`sessions page ${deepPages + 1} (cursor)`, deepPage, 10), ...latencyRows('commandCenter', commandCenter, 10, `${counts.active} active, ${counts.attention} attention, ${counts.recent} recent`), ...latencyRows('usage 30 days by MODEL', usage, 50, `${usageAnswer.usage.length} rows, ${(0, context_1.fmt)(requests)} requests`), ...latencyRows('session(id) detail with runs', detail, null));
    },
};
//# sourceMappingURL=queries.js.map
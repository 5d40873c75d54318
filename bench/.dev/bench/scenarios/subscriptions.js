"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.timelineCatchUpScenario = exports.subscriberLatencyScenario = void 0;
const graphql_ws_1 = require("graphql-ws");
const ws_1 = __importDefault(require("ws"));
const cleanup_1 = require("../support/cleanup");
const context_1 = require("../support/context");
const graphql_1 = require("../support/graphql");
const progress_1 = require("../support/progress");
const report_1 = require("../support/report");
const server_1 = require("../support/server");
const stats_1 = require("../support/stats");
const APPEND = 'mutation($input: AppendRunEventsInput!) { appendRunEvents(input: $input) { lastSequence } }';
async function liveServer() {
    const server = await server_1.ServerProcess.start({ dataDir: cleanup_1.cleanup.tempDir('live'), keys: [server_1.ADMIN_KEY_FOR_LIVE] });
    const http = new graphql_1.GraphQLClient(server.port, server_1.ADMIN_KEY_FOR_LIVE.key);
    const ws = (0, graphql_ws_1.createClient)({
        url: `ws://127.0.0.1:${server.port}/graphql`,
        webSocketImpl: ws_1.default,
        connectionParams: { authorization: `Bearer ${server_1.ADMIN_KEY_FOR_LIVE.key}` },
    });
    return { server, http, ws };
}
async function startSession(http, kind) {
    const data = await http.request(`mutation { startSession(input: { kind: ${kind} }) { id } }`);
    return data.startSession.id;
}
/**
 * Scenario 6: appends at a steady 1 000 events/s (10 events every 10 ms, each batch sent without
 * waiting for the previous answer), and each event's send instant compared with its arrival on a
 * timeline subscription; for the commandCenter subscription, each change's arrival compared with
 * the send of the batch it reflects (changes coalesce per session, so this is one sample a batch).
 */
exports.subscriberLatencyScenario = {
    id: '6',
    title: 'append to subscriber latency',
    async run(ctx) {
        const { server, http, ws } = await liveServer();
        try {
            const sessionId = await startSession(http, 'RUNTIME');
            const sentAt = new Map();
            const timeline = [];
            const commandCenter = [];
            const batchSentAt = new Map();
            ws.subscribe({ query: 'subscription($id: ID!) { timeline(sessionId: $id, after: 0) { sequence id } }', variables: { id: sessionId } }, { next: (v) => { const t = sentAt.get(v.data.timeline.id); if (t !== undefined)
                    timeline.push((0, stats_1.now)() - t); }, error: () => undefined, complete: () => undefined });
            ws.subscribe({ query: 'subscription { commandCenter { section session { id sequence } } }' }, {
                next: (v) => {
                    const session = v.data.commandCenter.session;
                    const t = session.id === sessionId ? batchSentAt.get(session.sequence) : undefined;
                    if (t !== undefined)
                        commandCenter.push((0, stats_1.now)() - t);
                },
                error: () => undefined,
                complete: () => undefined,
            });
            await new Promise((r) => setTimeout(r, 300));
            const seconds = ctx.scale === 'full' ? 20 : 5;
            (0, progress_1.log)(`[6] appending 1 000 events/s for ${seconds} s`);
            const start = (0, stats_1.now)();
            const pending = [];
            let sequence = 0;
            for (let tick = 0; tick < seconds * 100; tick += 1) {
                const wait = start + tick * 10 - (0, stats_1.now)();
                if (wait > 0)
                    await new Promise((r) => setTimeout(r, wait));
                const events = Array.from({ length: 10 }, (_, i) => ({ id: `e-${tick}-${i}`, type: 'COMMAND', data: { command: 'ls -la', exitCode: 0 } }));
                const sent = (0, stats_1.now)();
                for (const event of events)
                    sentAt.set(event.id, sent);
                sequence += 10;
                batchSentAt.set(sequence, sent);
                pending.push(http.request(APPEND, { input: { sessionId, events } }));
            }
            await Promise.all(pending);
            await new Promise((r) => setTimeout(r, 1000));
            const rate = (0, stats_1.perSecond)(sentAt.size, seconds * 1000);
            (0, progress_1.log)(`[6] timeline n=${timeline.length}, commandCenter n=${commandCenter.length}`);
            for (const [name, samples] of [['timeline', timeline], ['commandCenter', commandCenter]]) {
                ctx.add((0, report_1.row)({ scenario: '6', figure: `append -> ${name} subscriber p50`, value: (0, stats_1.percentile)(samples, 50), unit: 'ms', note: `${(0, context_1.fmt)(samples.length)} samples at ${(0, context_1.fmt)(rate)} events/s` }), (0, report_1.row)({
                    scenario: '6',
                    figure: `append -> ${name} subscriber p99`,
                    value: (0, stats_1.percentile)(samples, 99),
                    unit: 'ms',
                    target: { op: '<=', value: 20, label: 'p99 <= 20 ms' },
                }));
            }
        }
        finally {
            await ws.dispose();
            http.close();
            await server.stop();
        }
    },
};
/** Scenario 7: one timeline subscription from after: -1 over a 100 000-event session, until the last sequence arrives. */
exports.timelineCatchUpScenario = {
    id: '7',
    title: 'timeline catch-up',
    async run(ctx) {
        const { server, http, ws } = await liveServer();
        try {
            const sessionId = await startSession(http, 'CHAT');
            const total = ctx.scale === 'full' ? 100_000 : 20_000;
            const text = 'lorem ipsum dolor sit amet, consectetur adipiscing elit '.repeat(6);
            (0, progress_1.log)(`[7] appending ${(0, context_1.fmt)(total)} events to one session`);
            for (let batch = 0; batch < total / 500; batch += 1) {
                const events = Array.from({ length: 500 }, (_, i) => ({ type: 'MESSAGE', data: { role: i % 2 ? 'assistant' : 'user', text: `${batch}-${i} ${text}` } }));
                await http.request(APPEND, { input: { sessionId, events } });
            }
            const started = (0, stats_1.now)();
            let received = 0;
            let contiguous = true;
            let last = -1;
            await new Promise((resolve, reject) => ws.subscribe({ query: 'subscription($id: ID!) { timeline(sessionId: $id, after: -1) { sequence type at data } }', variables: { id: sessionId } }, {
                next: (v) => {
                    const sequence = v.data.timeline.sequence;
                    if (sequence !== last + 1)
                        contiguous = false;
                    last = sequence;
                    received += 1;
                    if (sequence >= total)
                        resolve();
                },
                error: reject,
                complete: () => resolve(),
            }));
            const ms = (0, stats_1.now)() - started;
            (0, progress_1.log)(`[7] ${(0, context_1.fmt)(received)} events in ${(ms / 1000).toFixed(1)} s, contiguous: ${contiguous}`);
            ctx.add((0, report_1.row)({
                scenario: '7',
                figure: `timeline catch-up of a ${(0, context_1.fmt)(total)}-event session`,
                value: (0, stats_1.perSecond)(received, ms),
                unit: 'events/s',
                target: { op: '>=', value: 50_000, label: '>= 50 000 events/s' },
                note: contiguous ? 'every sequence once, in order' : 'GAP OR DUPLICATE SEEN',
            }));
        }
        finally {
            await ws.dispose();
            http.close();
            await server.stop();
        }
    },
};
//# sourceMappingURL=subscriptions.js.map
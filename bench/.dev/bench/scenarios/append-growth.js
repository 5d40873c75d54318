"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.appendGrowthScenario = void 0;
const node_path_1 = require("node:path");
const event_store_1 = require("../../libs/event-store/src/index.js");
const data_1 = require("../data");
const cleanup_1 = require("../support/cleanup");
const context_1 = require("../support/context");
const domain_writer_1 = require("../support/domain-writer");
const fill_1 = require("../support/fill");
const progress_1 = require("../support/progress");
const report_1 = require("../support/report");
const stats_1 = require("../support/stats");
const write_comparison_1 = require("./write-comparison");
const write_workload_1 = require("./write-workload");
/** Fresh sessions on the short side get this many batches each: revisions 0 to ~1 000. */
const BATCHES_PER_FRESH_SESSION = 10;
const FILL_BATCH = 500;
/**
 * Scenario 4: is an append to a long session as cheap as one to a new session? One file holds a
 * session at revision R (100 000 at full scale); then batches of 100 alternate between that
 * session and fresh sessions (revisions 0-1 000), each side timed on its own, so file size,
 * page cache and machine noise are the same for both.
 */
exports.appendGrowthScenario = {
    id: '4',
    title: 'append cost growth',
    needs: ['1'],
    async run(ctx) {
        const { growthRevision, growthEvents } = ctx.sizes;
        const dir = cleanup_1.cleanup.tempDir('growth');
        const file = (0, node_path_1.join)(dir, 'events.sqlite');
        try {
            const prng = ctx.prng('growth');
            const builder = new domain_writer_1.StreamBuilder(ctx.prng('growth-ids'));
            const measuredBatches = Math.ceil(growthEvents / write_workload_1.BATCH_SIZE);
            // The long session: R run events, then the batches measured on top of it.
            const fillBatches = Math.ceil(growthRevision / FILL_BATCH);
            const long = (0, write_workload_1.planOf)((0, data_1.batchSessions)(prng, ctx.catalog, { sessions: 1, batches: fillBatches, batchSize: FILL_BATCH, organization: context_1.QUERIED_ORG, now: Date.now() })[0]);
            const longExtra = (0, data_1.batchSessions)(prng, ctx.catalog, { sessions: 1, batches: measuredBatches, batchSize: write_workload_1.BATCH_SIZE, organization: context_1.QUERIED_ORG, now: Date.now() })[0];
            const writer = new fill_1.RawStoreWriter(file);
            const progress = new progress_1.Progress(`[4] filling a session to revision ${(0, context_1.fmt)(growthRevision)}`, long.steps.length + 1);
            for (let step = -1; step < long.steps.length; step += 1) {
                writer.add(builder.step(long, step));
                progress.update(step + 1);
            }
            writer.close();
            progress.done();
            const longTail = [];
            const runId = long.steps[0].kind === 'startRun' ? long.steps[0].runId : null;
            for (const events of longExtra.batches) {
                const redactions = new Map();
                const command = {
                    type: 'AppendRunEvents',
                    sessionId: long.sessionId,
                    actor: { organizationId: long.organizationId, principal: long.start.owner, roles: ['INGEST'] },
                    at: new Date(events[events.length - 1].at).toISOString(),
                    runId,
                    events: events.map((draft) => builder.recordable(draft, redactions)),
                };
                longTail.push(builder.decide(command, redactions, Date.now()));
            }
            const startRevision = builder.revisionOf(long.sessionId) - longTail.length * write_workload_1.BATCH_SIZE;
            // Fresh sessions: the same number of batches, 10 per session.
            const freshSessions = (0, data_1.batchSessions)(prng, ctx.catalog, {
                sessions: Math.ceil(measuredBatches / BATCHES_PER_FRESH_SESSION),
                batches: BATCHES_PER_FRESH_SESSION,
                batchSize: write_workload_1.BATCH_SIZE,
                organization: context_1.QUERIED_ORG,
                now: Date.now(),
            }).map(write_workload_1.planOf);
            const freshSetup = [];
            const fresh = [];
            for (const plan of freshSessions) {
                freshSetup.push(builder.step(plan, -1), builder.step(plan, 0));
                for (let b = 0; b < BATCHES_PER_FRESH_SESSION && fresh.length < measuredBatches; b += 1)
                    fresh.push(builder.step(plan, b + 1));
            }
            const store = new event_store_1.SqliteEventStore(file);
            let freshMs = 0;
            let longMs = 0;
            try {
                for (const batch of freshSetup)
                    await store.append(batch.streamId, batch.events, batch.expected);
                (0, progress_1.log)(`[4] appending ${(0, context_1.fmt)(measuredBatches)} batches of ${write_workload_1.BATCH_SIZE} to each side, alternating`);
                for (let i = 0; i < measuredBatches; i += 1) {
                    const a = fresh[i];
                    let t = (0, stats_1.now)();
                    await store.append(a.streamId, a.events, a.expected);
                    freshMs += (0, stats_1.now)() - t;
                    const b = longTail[i];
                    t = (0, stats_1.now)();
                    await store.append(b.streamId, b.events, b.expected);
                    longMs += (0, stats_1.now)() - t;
                }
            }
            finally {
                await store.close();
            }
            const events = measuredBatches * write_workload_1.BATCH_SIZE;
            const freshRate = (0, stats_1.perSecond)(events, freshMs);
            const longRate = (0, stats_1.perSecond)(events, longMs);
            const writes = await (0, write_comparison_1.compareWrites)(ctx);
            const label = growthRevision === 100_000 ? '100 000' : `${(0, context_1.fmt)(growthRevision)} (small scale; full scale uses 100 000)`;
            ctx.detail('4', { growthRevision: startRevision, freshRate, longRate, events });
            ctx.add((0, report_1.row)({
                scenario: '4',
                figure: `append at revision ${label} / at revision 0-1 000`,
                value: longRate / freshRate,
                unit: 'x',
                target: { op: '>=', value: 0.9, label: '>= 0.9' },
                note: `${(0, context_1.fmt)(longRate)} vs ${(0, context_1.fmt)(freshRate)} events/s (batches of 100, alternating)`,
            }), (0, report_1.row)({
                scenario: '4',
                figure: `append at revision ${(0, context_1.fmt)(startRevision)}+, batches of 100`,
                value: longRate,
                unit: 'events/s',
                ceilingRatio: longRate / writes.ceiling.eventsPerSecond,
            }));
        }
        finally {
            cleanup_1.cleanup.removeDir(dir);
        }
    },
};
//# sourceMappingURL=append-growth.js.map
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BATCH_SIZE = void 0;
exports.planOf = planOf;
exports.writeWorkload = writeWorkload;
exports.singleEventWorkload = singleEventWorkload;
const data_1 = require("../data");
const context_1 = require("../support/context");
const domain_writer_1 = require("../support/domain-writer");
exports.BATCH_SIZE = 100;
/** Batches each session receives in the write workloads. */
const BATCHES_PER_SESSION = 10;
/** A batch session as a plan: start, one run, its batches. */
function planOf(session) {
    return {
        sessionId: session.sessionId,
        organizationId: session.organizationId,
        at: session.at,
        start: session.start,
        steps: [
            { kind: 'startRun', at: session.at + 1, runId: session.runId, model: session.start.model, input: null },
            ...session.batches.map((events) => ({ kind: 'append', at: events[events.length - 1].at, runId: session.runId, events })),
        ],
        runEvents: session.batches.reduce((n, b) => n + b.length, 0),
        open: true,
    };
}
/**
 * Decided appends of realistic run events, `batchSize` per append. The same workload feeds
 * the ceiling (as raw rows) and the store, so their ratio compares like with like.
 */
function writeWorkload(ctx, label, events, batchSize) {
    const prng = ctx.prng(`write-${label}`);
    const perSession = batchSize === exports.BATCH_SIZE ? BATCHES_PER_SESSION : 1;
    const sessions = Math.max(1, Math.ceil(events / (batchSize * perSession)));
    const generated = (0, data_1.batchSessions)(prng, ctx.catalog, {
        sessions,
        batches: perSession,
        batchSize,
        organization: context_1.QUERIED_ORG,
        now: Date.now(),
    });
    const builder = new domain_writer_1.StreamBuilder(ctx.prng(`write-${label}-ids`));
    const plans = generated.map(planOf);
    const setup = [];
    for (const plan of plans) {
        setup.push(builder.step(plan, -1));
        setup.push(builder.step(plan, 0));
    }
    const batches = [];
    for (let b = 0; b < perSession; b += 1) {
        for (const plan of plans) {
            if (batches.length * batchSize >= events)
                break;
            batches.push(builder.step(plan, b + 1));
        }
    }
    let bytes = 0;
    let count = 0;
    for (const batch of batches) {
        for (const event of batch.events) {
            bytes += JSON.stringify(event.data).length;
            count += 1;
        }
    }
    return { setup, batches, events: count, avgDataBytes: count ? bytes / count : 0 };
}
/** The same appends split into single-event appends (each its own transaction). */
function singleEventWorkload(ctx, events) {
    const prng = ctx.prng('write-single');
    const sessions = Math.max(1, Math.ceil(events / exports.BATCH_SIZE));
    const generated = (0, data_1.batchSessions)(prng, ctx.catalog, { sessions, batches: 1, batchSize: exports.BATCH_SIZE, organization: context_1.QUERIED_ORG, now: Date.now() });
    // One draft per append: a client that reports every event as it happens.
    for (const session of generated)
        session.batches = session.batches[0].map((event) => [event]);
    const builder = new domain_writer_1.StreamBuilder(ctx.prng('write-single-ids'));
    const plans = generated.map(planOf);
    const setup = [];
    for (const plan of plans) {
        setup.push(builder.step(plan, -1));
        setup.push(builder.step(plan, 0));
    }
    const batches = [];
    for (let i = 0; i < exports.BATCH_SIZE && batches.length < events; i += 1) {
        for (const plan of plans) {
            if (batches.length >= events)
                break;
            batches.push(builder.step(plan, i + 1));
        }
    }
    return { setup, batches, events: batches.length, avgDataBytes: 0 };
}
//# sourceMappingURL=write-workload.js.map
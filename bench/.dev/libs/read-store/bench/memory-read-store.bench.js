"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
/**
 * Measures the in-memory read store on a sessions-like collection: indexed list queries against
 * a full scan, and guarded upserts per second. Run after `npm run build`:
 *   node dist/libs/read-store/bench/memory-read-store.bench.js [documents] [upserts]
 * (add --cpu-prof to profile).
 */
const node_perf_hooks_1 = require("node:perf_hooks");
const memory_read_store_1 = require("../src/memory-read-store");
const DOCUMENTS = Number(process.argv[2] ?? 100_000);
const UPSERTS = Number(process.argv[3] ?? 1_000_000);
const ORGANIZATIONS = 10;
const BASE = Date.UTC(2024, 4, 1);
const NOW = new Date(BASE + DOCUMENTS * 1000).toISOString();
function iso(secondsAfterBase) {
    return new Date(BASE + secondsAfterBase * 1000).toISOString();
}
/** About 1 KB once stored: the shape of a session read model. */
function session(i, revision) {
    return {
        organizationId: `o${i % ORGANIZATIONS}`,
        kind: ['CHAT', 'FLOW_RUN', 'BACKGROUND_TASK', 'RUNTIME'][i % 4],
        status: ['RUNNING', 'COMPLETED', 'PAUSED', 'FAILED', 'ENDED'][i % 5],
        title: `Session ${i}: investigate the flaky deployment pipeline and summarise the findings`,
        owner: { type: 'USER', id: `user_${i % 97}`, displayName: `User ${i % 97}` },
        accountId: `acc_${i % 13}`,
        flowId: i % 3 === 0 ? `flow_${i % 29}` : null,
        model: ['gpt-4o', 'claude-sonnet', 'gemini-pro'][i % 3],
        startedAt: iso(i),
        lastActivityAt: iso(i + revision),
        activeUntil: Math.floor(i / ORGANIZATIONS) % 5 === 0 ? iso(DOCUMENTS + 600 + revision) : iso(i + 60),
        usage: { inputTokens: i * 3, outputTokens: i * 2, costUsd: i / 1000 },
        progress: { label: `Step ${revision % 10} of 10`, current: revision % 10, total: 10 },
        metadata: { env: i % 2 ? 'prod' : 'dev', region: 'eu-west-1', runtime: 'node20', tags: 'deploy,ci,flaky', note: 'x'.repeat(300) },
        lastRevision: revision,
    };
}
/** Wall time and this process's CPU time since `start`, in seconds: the CPU time is what a busy shared machine distorts least. */
function elapsed(start) {
    const cpu = process.cpuUsage(start.cpu);
    return { wall: (node_perf_hooks_1.performance.now() - start.wall) / 1000, cpu: (cpu.user + cpu.system) / 1e6 };
}
function begin() {
    return { wall: node_perf_hooks_1.performance.now(), cpu: process.cpuUsage() };
}
function rate(count, time) {
    return `${time.wall.toFixed(2)} s wall (${Math.round(count / time.wall)} ops/s), ${time.cpu.toFixed(2)} s CPU (${Math.round(count / time.cpu)} ops/CPU-s)`;
}
function percentile(samples, p) {
    const sorted = [...samples].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}
async function timeQueries(label, run, iterations) {
    for (let i = 0; i < 5; i++)
        await run();
    const samples = [];
    for (let i = 0; i < iterations; i++) {
        const start = node_perf_hooks_1.performance.now();
        await run();
        samples.push(node_perf_hooks_1.performance.now() - start);
    }
    console.log(`${label}: p50 ${percentile(samples, 50).toFixed(3)} ms, p99 ${percentile(samples, 99).toFixed(3)} ms (${iterations} runs)`);
}
async function main() {
    const indexed = new memory_read_store_1.MemoryReadStore();
    const sessions = indexed.collection('sessions');
    await sessions.createIndexes([
        { keys: { organizationId: 1, lastActivityAt: -1 }, name: 'org_activity' },
        { keys: { organizationId: 1, activeUntil: 1 }, name: 'org_active_until' },
    ]);
    const plain = new memory_read_store_1.MemoryReadStore().collection('sessions');
    let start = begin();
    for (let from = 0; from < DOCUMENTS; from += 1000) {
        const batch = [];
        for (let i = from; i < Math.min(DOCUMENTS, from + 1000); i++) {
            batch.push({ updateOne: { filter: { _id: `session_${i}`, lastRevision: { $lt: 0 } }, update: { $set: session(i, 0) }, upsert: true } });
        }
        await sessions.bulkWrite(batch);
        await plain.bulkWrite(batch);
    }
    console.log(`loaded ${DOCUMENTS} documents into two stores (one with 2 indexes): ${rate(2 * DOCUMENTS, elapsed(start))}`);
    console.log(`document size ≈ ${JSON.stringify(await sessions.findOne({})).length} bytes as JSON`);
    const filter = { organizationId: 'o1', activeUntil: { $gt: NOW } };
    const options = { sort: { lastActivityAt: -1 }, limit: 50 };
    console.log('plan:', JSON.stringify(sessions.explain(filter, options)));
    await timeQueries('indexed find (org + activeUntil > now, sort lastActivityAt -1, limit 50)', () => sessions.find(filter, options), 500);
    await timeQueries('full scan, same query (no indexes)', () => plain.find(filter, options), 20);
    await timeQueries('indexed count of the same filter', () => sessions.count(filter), 200);
    await timeQueries('indexed findOne by _id', () => sessions.findOne({ _id: 'session_4242' }), 2000);
    const total = UPSERTS;
    const batchSize = 1000;
    let applied = 0;
    let skipped = 0;
    start = begin();
    for (let done = 0; done < total; done += batchSize) {
        const batch = [];
        for (let k = done; k < Math.min(total, done + batchSize); k++) {
            const i = (k * 7919) % DOCUMENTS;
            // One op in ten replays an already-applied revision: the guard makes it a no-op.
            const revision = k % 10 === 9 ? 1 : 2 + Math.floor(k / DOCUMENTS);
            batch.push({
                updateOne: {
                    filter: { _id: `session_${i}`, lastRevision: { $lt: revision } },
                    update: { $set: { status: 'RUNNING', lastActivityAt: iso(i + revision), lastRevision: revision }, $inc: { 'usage.inputTokens': 10 } },
                    upsert: true,
                },
            });
        }
        const result = await sessions.bulkWrite(batch);
        applied += result.modifiedCount;
        skipped += batch.length - result.matchedCount - result.upsertedCount;
    }
    console.log(`bulkWrite: ${total} guarded upserts (batches of ${batchSize}, each moving an index entry): ${rate(total, elapsed(start))}; ${applied} applied, ${skipped} guarded no-ops`);
    const single = Math.min(200_000, total);
    start = begin();
    for (let k = 0; k < single; k++) {
        const i = (k * 7919) % DOCUMENTS;
        const revision = 1000 + k;
        await sessions.updateOne({ _id: `session_${i}`, lastRevision: { $lt: revision } }, { $set: { status: 'PAUSED', lastActivityAt: iso(i + revision), lastRevision: revision } }, { upsert: true });
    }
    console.log(`updateOne awaited one by one: ${single} guarded upserts: ${rate(single, elapsed(start))}`);
    // The same writes without moving an index entry (lastActivityAt unchanged), as for usage buckets.
    start = begin();
    for (let done = 0; done < total; done += batchSize) {
        const batch = [];
        for (let k = done; k < Math.min(total, done + batchSize); k++) {
            const i = (k * 7919) % DOCUMENTS;
            const revision = 10_000_000 + k;
            batch.push({
                updateOne: {
                    filter: { _id: `session_${i}`, lastRevision: { $lt: revision } },
                    update: { $set: { status: 'RUNNING', lastRevision: revision }, $inc: { 'usage.inputTokens': 10 } },
                    upsert: true,
                },
            });
        }
        await sessions.bulkWrite(batch);
    }
    console.log(`bulkWrite: ${total} guarded upserts touching no indexed field: ${rate(total, elapsed(start))}`);
    console.log(`heap used: ${Math.round(process.memoryUsage().heapUsed / 1e6)} MB`);
}
main().catch((error) => {
    console.error(error);
    process.exitCode = 1;
});
//# sourceMappingURL=memory-read-store.bench.js.map
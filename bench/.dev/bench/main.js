"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
const commander_1 = require("commander");
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
const append_1 = require("./scenarios/append");
const append_growth_1 = require("./scenarios/append-growth");
const ceiling_1 = require("./scenarios/ceiling");
const ingest_api_1 = require("./scenarios/ingest-api");
const memory_1 = require("./scenarios/memory");
const queries_1 = require("./scenarios/queries");
const rebuild_1 = require("./scenarios/rebuild");
const subscriptions_1 = require("./scenarios/subscriptions");
const cleanup_1 = require("./support/cleanup");
const context_1 = require("./support/context");
const progress_1 = require("./support/progress");
const report_1 = require("./support/report");
/** Run order: cheap in-process write figures first, then the servers; 9 reuses 8's server. */
const SCENARIOS = [
    ceiling_1.ceilingScenario,
    append_1.appendScenario,
    append_growth_1.appendGrowthScenario,
    ingest_api_1.ingestScenario,
    rebuild_1.rebuildScenario,
    queries_1.queriesScenario,
    memory_1.memoryScenario,
    subscriptions_1.subscriberLatencyScenario,
    subscriptions_1.timelineCatchUpScenario,
];
function parseOnly(value) {
    const ids = value.split(',').map((part) => part.trim()).filter(Boolean);
    const known = SCENARIOS.map((s) => s.id);
    const unknown = ids.filter((id) => !known.includes(id));
    if (unknown.length)
        throw new commander_1.InvalidArgumentError(`unknown scenario ${unknown.join(', ')}; scenarios are ${known.join(', ')}`);
    return ids;
}
function parseWholeNumber(value) {
    const seed = Number(value);
    if (!Number.isInteger(seed) || seed < 0)
        throw new commander_1.InvalidArgumentError('must be a whole number');
    return seed;
}
/** The selected scenarios plus what their rows refer to, in run order. */
function selection(only) {
    if (!only)
        return SCENARIOS;
    const wanted = new Set(only);
    for (const scenario of SCENARIOS)
        if (wanted.has(scenario.id))
            for (const need of scenario.needs ?? [])
                wanted.add(need);
    return SCENARIOS.filter((scenario) => wanted.has(scenario.id));
}
function machine() {
    const cpu = (0, node_os_1.cpus)();
    return {
        cores: cpu.length,
        cpu: cpu[0]?.model ?? 'unknown',
        memoryGiB: Math.round(((0, node_os_1.totalmem)() / 1024 ** 3) * 10) / 10,
        node: process.version,
        platform: `${process.platform} ${process.arch}`,
        /** The machine is shared: the load around the run says how much the figures can be trusted. */
        loadAverage: (0, node_os_1.loadavg)().map((l) => Math.round(l * 100) / 100),
    };
}
async function main() {
    const program = new commander_1.Command()
        .name('bench')
        .description('Agent Ledger benchmarks (issue 6): every scenario on the embedded default, one table at the end.')
        .addOption(new commander_1.Option('--scale <scale>', 'small (a quick look, 10 000 sessions) or full (the issue sizes)').choices(['small', 'full']).default('small'))
        .option('--only <scenarios>', 'comma list of scenario numbers, e.g. 2,5 (scenario 1, the ceiling, runs whenever a write figure needs it)', parseOnly)
        .option('--json', 'print the results as JSON on stdout (the table goes to stderr)', false)
        .option('--seed <n>', 'PRNG seed for the generated data', parseWholeNumber, 20261101)
        .option('--cpu-prof <dir>', 'write V8 CPU profiles of the child processes (api server, rebuild worker) into <dir>')
        .option('--child-heap <MiB>', "--max-old-space-size of the api server and rebuild worker (default: Node's own limit, as in production; a larger one lets V8 grow the heap further before collecting, which raises peak RSS)", parseWholeNumber, 0)
        .parse(process.argv);
    const options = program.opts();
    cleanup_1.cleanup.install();
    const cpuProfDir = options.cpuProf ? (0, node_path_1.resolve)(options.cpuProf) : null;
    if (cpuProfDir)
        (0, node_fs_1.mkdirSync)(cpuProfDir, { recursive: true });
    const ctx = new context_1.BenchContext({ scale: options.scale, seed: options.seed, json: options.json, cpuProfDir, childHeapMiB: options.childHeap || null });
    const started = new Date();
    const host = machine();
    (0, progress_1.log)(`agent-ledger bench, scale ${options.scale}, seed ${options.seed}, ${host.cores} cores, ${host.memoryGiB} GiB, node ${host.node}, ` +
        `load average ${host.loadAverage.join(' ')}, child heap limit ${options.childHeap ? `${options.childHeap} MiB` : 'node default'}`);
    try {
        for (const scenario of selection(options.only)) {
            const t = Date.now();
            (0, progress_1.log)(`\n== ${scenario.id}. ${scenario.title}`);
            try {
                await scenario.run(ctx);
                (0, progress_1.log)(`== ${scenario.id} done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
            }
            catch (error) {
                const message = error instanceof Error ? error.message : String(error);
                (0, progress_1.log)(`== ${scenario.id} FAILED: ${error instanceof Error ? (error.stack ?? message) : message}`);
                ctx.add((0, report_1.row)({ scenario: scenario.id, figure: scenario.title, value: null, unit: '', status: 'error', note: message.split('\n')[0].slice(0, 160) }));
            }
        }
    }
    finally {
        await ctx.releaseAll();
        cleanup_1.cleanup.runSync();
    }
    const seconds = (Date.now() - started.getTime()) / 1000;
    const loadAfter = (0, node_os_1.loadavg)().map((l) => Math.round(l * 100) / 100);
    const table = (0, report_1.formatTable)(ctx.rows);
    const heading = `Agent Ledger bench, ${started.toISOString()}, scale ${options.scale}, ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, Node ${host.node}, ${seconds.toFixed(0)} s, load average ${host.loadAverage[0]} before / ${loadAfter[0]} after`;
    if (options.json) {
        process.stdout.write(`${JSON.stringify({ date: started.toISOString(), scale: options.scale, seed: options.seed, seconds, machine: { ...host, loadAverageAfter: loadAfter }, childHeapMiB: options.childHeap || null, rows: ctx.rows, details: ctx.details }, null, 2)}\n`);
        process.stderr.write(`\n${heading}\n\n${table}\n`);
    }
    else {
        process.stdout.write(`\n${heading}\n\n${table}\n`);
    }
    return ctx.rows.some((r) => r.status === 'error') ? 1 : 0;
}
main().then((code) => process.exit(code), (error) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    cleanup_1.cleanup.runSync();
    process.exit(2);
});
//# sourceMappingURL=main.js.map
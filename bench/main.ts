import { Command, InvalidArgumentError, Option } from 'commander';
import { mkdirSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { resolve } from 'node:path';
import { appendScenario } from './scenarios/append';
import { appendGrowthScenario } from './scenarios/append-growth';
import { ceilingScenario } from './scenarios/ceiling';
import { ingestScenario } from './scenarios/ingest-api';
import { otlpIngestScenario } from './scenarios/ingest-otlp';
import { memoryScenario } from './scenarios/memory';
import { queriesScenario } from './scenarios/queries';
import { rebuildScenario } from './scenarios/rebuild';
import type { Scenario } from './scenarios/scenario';
import { subscriberLatencyScenario, timelineCatchUpScenario } from './scenarios/subscriptions';
import { cleanup } from './support/cleanup';
import { BenchContext, Scale } from './support/context';
import { log } from './support/progress';
import { formatTable, row } from './support/report';

/** Run order: cheap in-process write figures first, then the servers; 9 reuses 8's server. */
const SCENARIOS: Scenario[] = [
  ceilingScenario,
  appendScenario,
  appendGrowthScenario,
  ingestScenario,
  otlpIngestScenario,
  rebuildScenario,
  queriesScenario,
  memoryScenario,
  subscriberLatencyScenario,
  timelineCatchUpScenario,
];

function parseOnly(value: string): string[] {
  const ids = value.split(',').map((part) => part.trim()).filter(Boolean);
  const known = SCENARIOS.map((s) => s.id);
  const unknown = ids.filter((id) => !known.includes(id));
  if (unknown.length) throw new InvalidArgumentError(`unknown scenario ${unknown.join(', ')}; scenarios are ${known.join(', ')}`);
  return ids;
}

function parseWholeNumber(value: string): number {
  const seed = Number(value);
  if (!Number.isInteger(seed) || seed < 0) throw new InvalidArgumentError('must be a whole number');
  return seed;
}

/** The selected scenarios plus what their rows refer to, in run order. */
function selection(only: string[] | undefined): Scenario[] {
  if (!only) return SCENARIOS;
  const wanted = new Set(only);
  for (const scenario of SCENARIOS) if (wanted.has(scenario.id)) for (const need of scenario.needs ?? []) wanted.add(need);
  return SCENARIOS.filter((scenario) => wanted.has(scenario.id));
}

function machine() {
  const cpu = cpus();
  return {
    cores: cpu.length,
    cpu: cpu[0]?.model ?? 'unknown',
    memoryGiB: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    node: process.version,
    platform: `${process.platform} ${process.arch}`,
    /** The machine is shared: the load around the run says how much the figures can be trusted. */
    loadAverage: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

async function main(): Promise<number> {
  const program = new Command()
    .name('bench')
    .description('Agent Ledger benchmarks (issue 6): every scenario on the embedded default, one table at the end.')
    .addOption(new Option('--scale <scale>', 'small (a quick look, 10 000 sessions) or full (the issue sizes)').choices(['small', 'full']).default('small'))
    .option('--only <scenarios>', 'comma list of scenario numbers, e.g. 2,5 (scenario 1, the ceiling, runs whenever a write figure needs it)', parseOnly)
    .option('--json', 'print the results as JSON on stdout (the table goes to stderr)', false)
    .option('--seed <n>', 'PRNG seed for the generated data', parseWholeNumber, 20261101)
    .option('--cpu-prof <dir>', 'write V8 CPU profiles of the child processes (api server, rebuild worker) into <dir>')
    .option(
      '--child-heap <MiB>',
      "--max-old-space-size of the api server and rebuild worker (default: Node's own limit, as in production; a larger one lets V8 grow the heap further before collecting, which raises peak RSS)",
      parseWholeNumber,
      0,
    )
    .parse(process.argv);
  const options = program.opts<{ scale: Scale; only?: string[]; json: boolean; seed: number; cpuProf?: string; childHeap: number }>();

  cleanup.install();
  const cpuProfDir = options.cpuProf ? resolve(options.cpuProf) : null;
  if (cpuProfDir) mkdirSync(cpuProfDir, { recursive: true });
  const ctx = new BenchContext({ scale: options.scale, seed: options.seed, json: options.json, cpuProfDir, childHeapMiB: options.childHeap || null });
  const started = new Date();
  const host = machine();
  log(
    `agent-ledger bench, scale ${options.scale}, seed ${options.seed}, ${host.cores} cores, ${host.memoryGiB} GiB, node ${host.node}, ` +
      `load average ${host.loadAverage.join(' ')}, child heap limit ${options.childHeap ? `${options.childHeap} MiB` : 'node default'}`,
  );

  try {
    for (const scenario of selection(options.only)) {
      const t = Date.now();
      log(`\n== ${scenario.id}. ${scenario.title}`);
      try {
        await scenario.run(ctx);
        log(`== ${scenario.id} done in ${((Date.now() - t) / 1000).toFixed(1)} s`);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`== ${scenario.id} FAILED: ${error instanceof Error ? (error.stack ?? message) : message}`);
        ctx.add(row({ scenario: scenario.id, figure: scenario.title, value: null, unit: '', status: 'error', note: message.split('\n')[0]!.slice(0, 160) }));
      }
    }
  } finally {
    await ctx.releaseAll();
    cleanup.runSync();
  }

  const seconds = (Date.now() - started.getTime()) / 1000;
  const loadAfter = loadavg().map((l) => Math.round(l * 100) / 100);
  const table = formatTable(ctx.rows);
  const heading = `Agent Ledger bench, ${started.toISOString()}, scale ${options.scale}, ${host.cores} cores (${host.cpu}), ${host.memoryGiB} GiB, Node ${host.node}, ${seconds.toFixed(0)} s, load average ${host.loadAverage[0]} before / ${loadAfter[0]} after`;
  if (options.json) {
    process.stdout.write(
      `${JSON.stringify({ date: started.toISOString(), scale: options.scale, seed: options.seed, seconds, machine: { ...host, loadAverageAfter: loadAfter }, childHeapMiB: options.childHeap || null, rows: ctx.rows, details: ctx.details }, null, 2)}\n`,
    );
    process.stderr.write(`\n${heading}\n\n${table}\n`);
  } else {
    process.stdout.write(`\n${heading}\n\n${table}\n`);
  }
  return ctx.rows.some((r) => r.status === 'error') ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    cleanup.runSync();
    process.exit(2);
  },
);

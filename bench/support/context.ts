import { join } from 'node:path';
import { Catalog, makeCatalog, Prng, SessionPlanner } from '../data';
import { cleanup } from './cleanup';
import { StreamBuilder } from './domain-writer';
import { fillStore, FillSummary } from './fill';
import { log } from './progress';
import type { Row } from './report';

export type Scale = 'small' | 'full';

/** Every size a scenario uses, per scale. "full" is the table. */
export interface Sizes {
  /** 1, 2: events appended in batches of 100 (ceiling and store alike). */
  batchedEvents: number;
  /** 2: events appended one per append. */
  singleEvents: number;
  /** 4: revision of the long session, and events appended on each side. */
  growthRevision: number;
  growthEvents: number;
  /** 5, 8, 9: the query dataset. */
  datasetSessions: number;
  datasetRunEvents: number;
  /** 3: concurrent clients and batches of 100 per client. */
  ingestClients: number;
  ingestBatchesPerClient: number;
  /** 10: concurrent OTLP exporters and export batches (of 512 spans) per exporter. */
  otlpExporters: number;
  otlpBatchesPerExporter: number;
  /**
   * 8: timed requests per query, and pages followed for the deep page. At full scale the server
   * runs a full GC every ~3 s under this load, whose ~0.36 s of marking slows 20-25 requests in a
   * row: enough requests that each query's window spans several of those cycles, so its p95
   * holds them in their real proportion instead of all (a window the marking fell in) or none.
   */
  queryRequests: number;
  deepPages: number;
}

export const SIZES: Record<Scale, Sizes> = {
  small: {
    batchedEvents: 50_000,
    singleEvents: 2_000,
    growthRevision: 20_000,
    growthEvents: 10_000,
    datasetSessions: 10_000,
    datasetRunEvents: 100_000,
    ingestClients: 8,
    ingestBatchesPerClient: 25,
    otlpExporters: 4,
    otlpBatchesPerExporter: 5,
    queryRequests: 200,
    deepPages: 20,
  },
  full: {
    batchedEvents: 500_000,
    singleEvents: 20_000,
    growthRevision: 100_000,
    growthEvents: 50_000,
    datasetSessions: 100_000,
    datasetRunEvents: 1_000_000,
    ingestClients: 8,
    ingestBatchesPerClient: 250,
    otlpExporters: 8,
    otlpBatchesPerExporter: 40,
    queryRequests: 2_000,
    deepPages: 20,
  },
};

export const QUERIED_ORG = 'bench';
export const OTHER_ORG = 'bench-other';

export interface Dataset {
  dir: string;
  file: string;
  summary: FillSummary;
  /** The instant the data ends at (epoch ms): "now" for the generator. */
  now: number;
}

export interface BenchOptions {
  scale: Scale;
  seed: number;
  json: boolean;
  /** When set, child processes (server, rebuild worker) write V8 CPU profiles here. */
  cpuProfDir: string | null;
  /** --max-old-space-size of the child processes (MiB), or null for Node's default. */
  childHeapMiB: number | null;
}

/**
 * What scenarios share: sizes, the seed, the catalog, temp dirs, and fixtures built once per
 * run (the query dataset serves scenarios 5, 8 and 9). Results collect here.
 */
export class BenchContext {
  readonly sizes: Sizes;
  readonly rows: Row[] = [];
  readonly details: Record<string, unknown> = {};
  private catalogCache: Catalog | null = null;
  private datasetPromise: Promise<Dataset> | null = null;
  /** Fixtures with a lifetime (e.g. a loaded server), released at the end of the run. */
  private readonly releases: (() => Promise<void>)[] = [];
  private readonly shared = new Map<string, unknown>();

  constructor(readonly options: BenchOptions) {
    this.sizes = SIZES[options.scale];
  }

  prng(label: string): Prng {
    return new Prng(this.options.seed).fork(label);
  }

  get catalog(): Catalog {
    this.catalogCache ??= makeCatalog(new Prng(this.options.seed));
    return this.catalogCache;
  }

  /** Node flags for a child process: its heap limit, and a CPU profile when asked for. */
  childArgs(name: string): string[] {
    const args = this.options.childHeapMiB ? [`--max-old-space-size=${this.options.childHeapMiB}`] : [];
    if (this.options.cpuProfDir) args.push('--cpu-prof', `--cpu-prof-dir=${this.options.cpuProfDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`);
    return args;
  }

  add(...rows: Row[]): void {
    this.rows.push(...rows);
  }

  detail(scenario: string, value: unknown): void {
    this.details[scenario] = value;
  }

  /** The query dataset (100 000 sessions and 1 000 000 run events at full scale), filled once. */
  dataset(): Promise<Dataset> {
    this.datasetPromise ??= this.buildDataset();
    return this.datasetPromise;
  }

  private async buildDataset(): Promise<Dataset> {
    const dir = cleanup.tempDir('dataset');
    const file = join(dir, 'events.sqlite');
    const { datasetSessions, datasetRunEvents } = this.sizes;
    // Whole minutes, so the same seed gives the same data within a minute.
    const nowMs = Math.floor(Date.now() / 60_000) * 60_000;
    const planner = new SessionPlanner(this.prng('dataset'), this.catalog, {
      seed: this.options.seed,
      sessions: datasetSessions,
      runEvents: datasetRunEvents,
      now: nowMs,
      spanDays: 30,
      organization: QUERIED_ORG,
      otherOrganization: OTHER_ORG,
      otherShare: 0.05,
    });
    const summary = await fillStore(file, planner.plans(), {
      builder: new StreamBuilder(this.prng('dataset-ids')),
      totalRunEvents: datasetRunEvents,
      label: `filling ${fmt(datasetSessions)} sessions / ${fmt(datasetRunEvents)} run events`,
    });
    log(
      `dataset: ${fmt(summary.sessions)} sessions (${fmt(summary.sessionsByOrganization[QUERIED_ORG] ?? 0)} in "${QUERIED_ORG}"), ` +
        `${fmt(summary.runEvents)} run events, ${fmt(summary.events)} events in all, ${fmt(summary.openSessions)} still open, ` +
        `${fmt(summary.redactedEvents)} redacted`,
    );
    this.detail('dataset', {
      sessions: summary.sessions,
      runEvents: summary.runEvents,
      events: summary.events,
      jsonBytes: summary.bytes,
      openSessions: summary.openSessions,
      redactedEvents: summary.redactedEvents,
      sessionsByOrganization: summary.sessionsByOrganization,
      fillMs: summary.ms,
    });
    return { dir, file, summary, now: nowMs };
  }

  /** A fixture built once and shared between scenarios (e.g. the server loaded with the dataset). */
  async sharedFixture<T>(name: string, build: () => Promise<{ value: T; release: () => Promise<void> }>): Promise<T> {
    if (!this.shared.has(name)) {
      const promise = build().then(({ value, release }) => {
        this.releases.push(release);
        return value;
      });
      this.shared.set(name, promise);
      promise.catch(() => this.shared.delete(name));
    }
    return this.shared.get(name) as Promise<T>;
  }

  /** Releases a shared fixture early (e.g. stop a server nobody needs any more). */
  async releaseAll(): Promise<void> {
    while (this.releases.length) {
      const release = this.releases.pop()!;
      await release().catch((error: unknown) => log(`release failed: ${(error as Error).message}`));
    }
    this.shared.clear();
  }
}

export function fmt(n: number): string {
  return Math.round(n)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}

import type { EventStore, Position } from '@ledger/event-store';
import { comparePositions, formatPosition } from '@ledger/event-store';
import type { Document, ReadCollection, ReadStore } from '@ledger/read-store';
import type { ChangeFeed } from './change-feed';
import type { Projection } from './projection';
import { PROJECTED_STREAMS, ProjectionRunner, ProjectionState } from './projection-runner';

export interface ProjectionStatusView {
  name: string;
  version: number;
  state: ProjectionState;
  checkpoint: string | null;
  processedEvents: number;
  lagEvents: number;
  lagMs: number | null;
  rebuildProgress: number | null;
  eventsPerSecond: number | null;
}

export interface ProjectionEngineOptions {
  checkpointEvery?: number;
  retryDelayMs?: number;
  clock?: () => number;
  onError?(projection: string, error: unknown): void;
}

/** The physical collection of a projection's logical collection at a version. */
export function versionedName(logical: string, version: number): string {
  return `${logical}_v${version}`;
}

const LAG_COUNT_LIMIT = 100_000;

/**
 * Runs every projection and answers for them as one: where each logical collection lives now,
 * whether a position has been applied everywhere (read-your-writes), and each one's status.
 */
export class ProjectionEngine {
  private readonly runners = new Map<string, ProjectionRunner>();
  private readonly owners = new Map<string, Projection>();

  constructor(
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    projections: Projection[],
    private readonly feed: ChangeFeed | null,
    private readonly options: ProjectionEngineOptions = {},
  ) {
    for (const projection of projections) {
      for (const spec of projection.collections) this.owners.set(spec.name, projection);
      this.runners.set(projection.name, this.runnerFor(projection));
    }
  }

  private runnerFor(projection: Projection): ProjectionRunner {
    return new ProjectionRunner(this.store, this.readStore, projection, this.feed, {
      collectionName: (logical) => versionedName(logical, projection.version),
      checkpointId: `${projection.name}@v${projection.version}`,
      checkpointEvery: this.options.checkpointEvery,
      retryDelayMs: this.options.retryDelayMs,
      clock: this.options.clock,
      onError: (error) => this.options.onError?.(projection.name, error),
    });
  }

  async start(): Promise<void> {
    for (const runner of this.runners.values()) await runner.start();
  }

  async stop(): Promise<void> {
    for (const runner of this.runners.values()) await runner.stop();
  }

  failedProjections(): string[] {
    return [...this.runners.values()].filter((runner) => runner.state === 'FAILED').map((runner) => runner.projection.name);
  }

  projectionNames(): string[] {
    return [...this.runners.keys()];
  }

  /** The live collection behind a logical read-model name. */
  collection<T extends Document = Document>(logical: string): ReadCollection<T> {
    const owner = this.owners.get(logical);
    if (!owner) throw new Error(`no projection owns the collection ${logical}`);
    return this.readStore.collection<T>(versionedName(logical, owner.version));
  }

  /** True once every projection (or the named ones) has applied `position`; false on timeout. */
  async waitFor(position: Position, timeoutMs: number, names?: string[]): Promise<boolean> {
    const runners = names ? names.map((name) => this.runners.get(name)).filter((r): r is ProjectionRunner => !!r) : [...this.runners.values()];
    const reached = await Promise.all(runners.map((runner) => runner.waitFor(position, timeoutMs)));
    return reached.every(Boolean);
  }

  /** Resolves once every projection has applied everything in the store at the time of the call. */
  async waitForHead(timeoutMs: number): Promise<boolean> {
    const head = await this.store.headPosition();
    return this.waitFor(head, timeoutMs);
  }

  async statuses(now = Date.now()): Promise<ProjectionStatusView[]> {
    const head = await this.store.headPosition();
    const views: ProjectionStatusView[] = [];
    for (const runner of this.runners.values()) {
      const behind = comparePositions(runner.position, head) < 0;
      const pending = behind ? await this.store.readAll({ after: runner.position, limit: LAG_COUNT_LIMIT, streamPrefixes: PROJECTED_STREAMS }) : [];
      const oldest = pending[0];
      views.push({
        name: runner.projection.name,
        version: runner.projection.version,
        state: runner.state,
        checkpoint: runner.processedEvents > 0 ? formatPosition(runner.position) : null,
        processedEvents: runner.processedEvents,
        lagEvents: pending.length,
        lagMs: oldest ? Math.max(0, now - oldest.recordedAt.getTime()) : 0,
        rebuildProgress: null,
        eventsPerSecond: runner.eventsPerSecond,
      });
    }
    return views;
  }
}

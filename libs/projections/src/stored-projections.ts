import { comparePositions, EventStore, formatPosition, Position } from '@ledger/event-store';
import type { Document, ReadCollection, ReadStore } from '@ledger/read-store';
import type { Projection } from './projection';
import { positionKey } from './projection';
import { PROJECTION_REGISTRY, ProjectionStatusView, ProjectionVerificationView, versionedName } from './projection-engine';
import { CHECKPOINTS, CheckpointDocument, PROJECTED_STREAMS } from './projection-runner';
import { askProjector } from './projector-requests';
import type { Projections } from './projections-view';

export interface StoredProjectionsOptions {
  /** How often the live versions are read again from the registry (a swap made by the projector). */
  refreshMs?: number;
  /** How often a read-your-writes wait reads the checkpoints again. */
  pollMs?: number;
  /** How long a rebuild or verify asked of the projector may take to be answered. */
  requestTimeoutMs?: { rebuild: number; verify: number };
}

const LAG_COUNT_LIMIT = 100_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The projections as an api process sees them when apps/projector runs them (MONGODB_URL set):
 * it runs none and writes no read model. The live version of each comes from the registry the
 * projector keeps, read-your-writes waits on the checkpoints the projector stores beside the
 * read models, and rebuild and verify are asked of the projector.
 */
export class StoredProjections implements Projections {
  private readonly versions = new Map<string, number>();
  private readonly owners = new Map<string, Projection>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    private readonly projections: Projection[],
    private readonly options: StoredProjectionsOptions = {},
  ) {
    for (const projection of projections) {
      this.versions.set(projection.name, projection.version);
      for (const spec of projection.collections) this.owners.set(spec.name, projection);
    }
  }

  async start(): Promise<void> {
    await this.refresh();
    this.timer = setInterval(() => void this.refresh().catch(() => undefined), this.options.refreshMs ?? 1000);
    this.timer.unref();
  }

  /** Ends the refreshes; waits under way answer false. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  /** Reads the live versions again. */
  async refresh(): Promise<void> {
    const entries = await this.readStore.collection<Document & { version: number }>(PROJECTION_REGISTRY).find({});
    for (const entry of entries) if (this.versions.has(entry._id)) this.versions.set(entry._id, entry.version);
  }

  collection<T extends Document = Document>(logical: string): ReadCollection<T> {
    const projection = this.owners.get(logical);
    if (!projection) throw new Error(`no projection owns the collection ${logical}`);
    return this.readStore.collection<T>(versionedName(logical, this.versions.get(projection.name)!));
  }

  private checkpointIds(): string[] {
    return this.projections.map((projection) => `${projection.name}@v${this.versions.get(projection.name)}`);
  }

  private async checkpoints(): Promise<Map<string, CheckpointDocument>> {
    const documents = await this.readStore.collection<CheckpointDocument>(CHECKPOINTS).find({ _id: { $in: this.checkpointIds() } });
    return new Map(documents.map((document) => [document._id, document]));
  }

  async waitFor(position: Position, timeoutMs: number): Promise<boolean> {
    try {
      return await this.waitForKey(positionKey(position), timeoutMs);
    } catch (error) {
      // A store closed under a wait at shutdown: the wait is over, not failed.
      if (this.stopped) return false;
      throw error;
    }
  }

  private async waitForKey(key: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.stopped) return false;
      const checkpoints = await this.checkpoints();
      if (this.checkpointIds().every((id) => (checkpoints.get(id)?.key ?? '') >= key)) return true;
      if (Date.now() >= deadline) return false;
      await sleep(Math.min(this.options.pollMs ?? 20, Math.max(0, deadline - Date.now())));
      // A swap moves the live checkpoint to the new version.
      if (this.stopped) return false;
      if (Date.now() < deadline) await this.refresh();
    }
  }

  async waitForHead(timeoutMs: number): Promise<boolean> {
    return this.waitFor(await this.store.headPosition(), timeoutMs);
  }

  async statuses(now = Date.now()): Promise<ProjectionStatusView[]> {
    const head = await this.store.headPosition();
    const checkpoints = await this.readStore.collection<CheckpointDocument>(CHECKPOINTS).find({});
    const byId = new Map(checkpoints.map((document) => [document._id, document]));
    const views: ProjectionStatusView[] = [];
    for (const projection of this.projections) {
      const version = this.versions.get(projection.name)!;
      const live = byId.get(`${projection.name}@v${version}`);
      const next = byId.get(`${projection.name}@v${version + 1}`);
      const position = live?.position ?? null;
      const pending = !position || comparePositions(position, head) < 0
        ? await this.store.readAll({ after: position ?? undefined, limit: LAG_COUNT_LIMIT, streamPrefixes: PROJECTED_STREAMS })
        : [];
      views.push({
        name: projection.name,
        version,
        state: next ? 'REBUILDING' : pending.length === 0 ? 'LIVE' : 'CATCHING_UP',
        checkpoint: position ? formatPosition(position) : null,
        processedEvents: live?.processedEvents ?? 0,
        lagEvents: pending.length,
        lagMs: pending[0] ? Math.max(0, now - pending[0].recordedAt.getTime()) : 0,
        rebuildProgress: next ? (head.commit <= 0 ? 1 : Math.max(0, Math.min(1, next.position.commit / head.commit))) : null,
        eventsPerSecond: null,
      });
    }
    return views;
  }

  /** The projector's own health says whether it failed; this process sees only what it stored. */
  failedProjections(): string[] {
    return [];
  }

  catchingUpProjections(): string[] {
    return [];
  }

  rebuild(name: string): Promise<ProjectionStatusView> {
    return askProjector(this.readStore, 'rebuild', name, this.options.requestTimeoutMs?.rebuild ?? 30_000);
  }

  verify(name: string): Promise<ProjectionVerificationView> {
    return askProjector(this.readStore, 'verify', name, this.options.requestTimeoutMs?.verify ?? 10 * 60_000);
  }
}

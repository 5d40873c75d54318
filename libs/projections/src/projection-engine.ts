import { FieldInputError, type CodedError } from '@ledger/domain';
import { createHash, randomBytes } from 'node:crypto';
import type { EventStore, Position } from '@ledger/event-store';
import { comparePositions, formatPosition } from '@ledger/event-store';
import type { Document, ReadCollection, ReadStore } from '@ledger/read-store';
import type { ChangeFeed } from './change-feed';
import type { Projection } from './projection';
import type { Projections } from './projections-view';
import { CHECKPOINTS, PROJECTED_STREAMS, ProjectionRunner, ProjectionState } from './projection-runner';
import type { SnapshotMeta, SnapshotStore } from './read-model-snapshots';
import { SharedSubscription } from './shared-subscription';
import { canonicalJson } from './canonical-json';

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

export interface ProjectionVerificationView {
  name: string;
  matches: boolean;
  liveDigest: string;
  rebuiltDigest: string;
  documents: number;
  differences: string[];
}

export interface ProjectionEngineOptions {
  /**
   * The lease term this engine works under (apps/projector). Collections left over by another
   * term's rebuild or verification are dropped only once that term is over; collections with no
   * record of who made them are left alone. Absent, the engine is the sole owner of its read store
   * (the embedded default) and drops every leftover.
   */
  term?: number;
  /** False once this process may no longer write (its lease lapsed): no batch is applied then. */
  fence?(): boolean;
  checkpointEvery?: number;
  retryDelayMs?: number;
  clock?: () => number;
  onError?(projection: string, error: unknown): void;
  onSwap?(projection: string, version: number): void;
  /** Durable snapshots of the read models (the embedded read store). */
  snapshots?: SnapshotPolicy;
}

export interface SnapshotPolicy {
  store: SnapshotStore;
  /** Once every projection is live: a snapshot after this many events... */
  everyEvents: number;
  /** ...or after this long with anything new, while catching up too. */
  everyMs: number;
  log?(line: string): void;
}

/** Which version of each projection is live, kept in the read store beside the read models. */
export const PROJECTION_REGISTRY = 'projection_registry';

interface RegistryDocument extends Document {
  version: number;
}

/** Who made each collection that is not a live version (a rebuild's next version, a verification's scratch): its lease term. */
export const PROJECTION_WORK = 'projection_work';

interface WorkDocument extends Document {
  projection: string;
  term: number;
}

/** The physical collection of a projection's logical collection at a version. */
export function versionedName(logical: string, version: number): string {
  return `${logical}_v${version}`;
}

/** A rebuild or verification of a projection that is already being rebuilt. */
export class ProjectionBusyError extends Error implements CodedError {
  readonly code = 'CONFLICT' as const;
}

export class UnknownProjectionError extends FieldInputError {
  constructor(message: string) {
    super('name', message, `name: ${message}`);
  }
}

const LAG_COUNT_LIMIT = 100_000;
const SWAP_CHECK_MS = 10;
const SWAP_GRACE_MS = 1000;
const MAX_DIFFERENCES = 100;

interface Slot {
  projection: Projection;
  version: number;
  runner: ProjectionRunner;
  rebuild: { runner: ProjectionRunner; version: number; target: Position; done: Promise<ProjectionStatusView> } | null;
}

function sha256(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Runs every projection and answers for them as one: where each logical collection lives now,
 * whether a position has been applied everywhere (read-your-writes), each one's status, and the
 * blue/green rebuild and verification of a projection.
 */
export class ProjectionEngine implements Projections {
  private readonly slots = new Map<string, Slot>();
  private readonly owners = new Map<string, Slot>();
  private started = false;
  private shared: SharedSubscription | null = null;
  private snapshotTimer: NodeJS.Timeout | null = null;
  private snapshotInFlight: Promise<void> | null = null;
  /** What the last snapshot (or the restored one) covered. */
  private lastSnapshot: { state: string; progress: number; at: number; live: boolean } | null = null;
  /** The check of what the restored snapshot's load took on trust, started once nothing is catching up. */
  private restoredCheck: Promise<void> | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly readStore: ReadStore,
    projections: Projection[],
    private readonly feed: ChangeFeed | null,
    private readonly options: ProjectionEngineOptions = {},
  ) {
    for (const projection of projections) {
      const slot: Slot = { projection, version: projection.version, runner: this.runnerFor(projection, projection.version, feed), rebuild: null };
      this.slots.set(projection.name, slot);
      for (const spec of projection.collections) this.owners.set(spec.name, slot);
    }
  }

  private runnerFor(
    projection: Projection,
    version: number,
    feed: ChangeFeed | null,
    extra: { collectionName?: (logical: string) => string; checkpointId?: string; stopAt?: Position; initialState?: ProjectionState } = {},
  ): ProjectionRunner {
    return new ProjectionRunner(this.store, this.readStore, projection, feed, {
      collectionName: extra.collectionName ?? ((logical) => versionedName(logical, version)),
      checkpointId: extra.checkpointId ?? `${projection.name}@v${version}`,
      checkpointEvery: this.options.checkpointEvery,
      retryDelayMs: this.options.retryDelayMs,
      clock: this.options.clock,
      stopAt: extra.stopAt,
      initialState: extra.initialState,
      onError: (error) => this.options.onError?.(projection.name, error),
      fence: this.options.fence,
    });
  }

  /** Only collections this engine made, or made under a term that is over, are its to drop. */
  private async mayDrop(name: string): Promise<boolean> {
    if (this.options.term === undefined) return true;
    const work = await this.readStore.collection<WorkDocument>(PROJECTION_WORK).findOne({ _id: name });
    return work !== null && work.term <= this.options.term;
  }

  /** Drops a collection made for work that is over, and the record of who made it. */
  private async dropWork(name: string): Promise<void> {
    await this.readStore.collection(name).drop();
    await this.readStore.collection(PROJECTION_WORK).deleteMany({ _id: name });
  }

  /** Records that this engine makes `names` for `projection`, before it does. */
  private async claimWork(projection: string, names: string[]): Promise<void> {
    const existing = new Set(await this.readStore.listCollections());
    for (const name of names) {
      if (existing.has(name) && !(await this.mayDrop(name))) {
        throw new ProjectionBusyError(`${name} was made by another projector; it is left alone until that projector's lease is over`);
      }
      await this.dropWork(name);
      const term = this.options.term ?? 0;
      await this.readStore.collection<WorkDocument>(PROJECTION_WORK).updateOne({ _id: name }, { $set: { projection, term } }, { upsert: true });
    }
  }

  /**
   * Starts every projection at its live version (as the registry says). Collections of other
   * versions are leftovers of a rebuild that a crash interrupted: they are dropped, and such a
   * rebuild starts again from the beginning when asked.
   */
  async start(): Promise<void> {
    const registry = this.readStore.collection<RegistryDocument>(PROJECTION_REGISTRY);
    const shared = new SharedSubscription(this.store, PROJECTED_STREAMS);
    const discarded = await this.discardStaleSnapshotParts();
    const existing = await this.readStore.listCollections();
    for (const slot of this.slots.values()) {
      const entry = await registry.findOne({ _id: slot.projection.name });
      if (entry && entry.version !== slot.version) {
        slot.version = entry.version;
        slot.runner = this.runnerFor(slot.projection, slot.version, this.feed);
      }
      for (const spec of slot.projection.collections) {
        const pattern = new RegExp(`^${spec.name}_(v\\d+|verify_[0-9a-f]+)$`);
        for (const name of existing) {
          if (pattern.test(name) && name !== versionedName(spec.name, slot.version) && (await this.mayDrop(name))) await this.dropWork(name);
        }
      }
      slot.runner.useSharedSource(shared.subscribe);
      await slot.runner.start();
    }
    shared.start();
    this.shared = shared;
    this.started = true;
    this.scheduleSnapshots(this.options.snapshots?.store.restored != null && !discarded);
  }

  /** Stops every projection (each flushes its batch and writes its checkpoint), then takes a last snapshot. */
  async stop(): Promise<void> {
    if (this.snapshotTimer) clearInterval(this.snapshotTimer);
    this.snapshotTimer = null;
    await this.snapshotInFlight;
    await this.restoredCheck;
    const wasStarted = this.started;
    // From here no rebuild swaps in: a stop (like a crash) leaves a rebuild under way unswapped.
    this.started = false;
    await this.shared?.stop();
    this.shared = null;
    for (const slot of this.slots.values()) {
      await slot.rebuild?.runner.stop();
      await slot.runner.stop();
    }
    this.started = false;
    if (wasStarted && this.options.snapshots && this.snapshotState() !== this.lastSnapshot?.state) await this.takeSnapshot();
  }

  /**
   * A snapshot from another version of a projection holds documents this build would not write:
   * that projection's collections, checkpoints and registry entry are dropped (one log line), and
   * it rebuilds from the event store while the others catch up from the snapshot.
   */
  private async discardStaleSnapshotParts(): Promise<boolean> {
    const restored = this.options.snapshots?.store.restored;
    if (!restored) return false;
    let discarded = false;
    const collections = await this.readStore.listCollections();
    const checkpoints = this.readStore.collection(CHECKPOINTS);
    const registry = this.readStore.collection<RegistryDocument>(PROJECTION_REGISTRY);
    for (const slot of this.slots.values()) {
      const { name, version } = slot.projection;
      const found = restored.projections[name];
      const names = slot.projection.collections.map((spec) => spec.name).join(',');
      const sameCollections = found?.collections === undefined || found.collections.join(',') === names;
      if (found?.version === version && sameCollections) continue;
      discarded = true;
      this.options.snapshots?.log?.(
        found === undefined
          ? `snapshot of projection ${name} is missing, this build has version ${version}: rebuilding it from the event store`
          : found.version !== version
            ? `snapshot of projection ${name} is from version ${found.version}, this build has version ${version}: rebuilding it from the event store`
            : `snapshot of projection ${name} holds collections ${found.collections!.join(', ')}, this build has ${names.replace(/,/g, ', ')}: rebuilding it from the event store`,
      );
      for (const spec of slot.projection.collections) {
        const pattern = new RegExp(`^${spec.name}_(v\\d+|verify_[0-9a-f]+)$`);
        for (const collection of collections) if (pattern.test(collection)) await this.readStore.collection(collection).drop();
      }
      for (const checkpoint of await checkpoints.find({})) {
        if (checkpoint._id.startsWith(`${name}@`)) await checkpoints.deleteMany({ _id: checkpoint._id });
      }
      await registry.deleteMany({ _id: name });
      slot.version = version;
      slot.runner = this.runnerFor(slot.projection, version, this.feed);
    }
    return discarded;
  }

  /** Every position and live version, as one string: equal strings, nothing new to snapshot. */
  private snapshotState(): string {
    return [...this.slots.values()].map((slot) => `${slot.projection.name}@${slot.version}:${formatPosition(slot.runner.position)}`).join(' ');
  }

  private snapshotProgress(): number {
    return Math.max(...[...this.slots.values()].map((slot) => slot.runner.position.commit));
  }

  /** `restoredWhole`: the read models came whole from a snapshot, so going live needs no new one. */
  private scheduleSnapshots(restoredWhole: boolean): void {
    const policy = this.options.snapshots;
    if (!policy) return;
    this.lastSnapshot = { state: this.snapshotState(), progress: this.snapshotProgress(), at: Date.now(), live: restoredWhole };
    this.snapshotTimer = setInterval(() => this.maybeSnapshot(policy), Math.max(10, Math.min(1000, policy.everyMs)));
    this.snapshotTimer.unref();
  }

  /**
   * While catching up, a snapshot every `everyMs` at most (a long replay then survives a crash);
   * once everything is live, one at once, then after `everyEvents` events or `everyMs`. The first
   * turn with nothing catching up also starts the check of what the restored snapshot's load took
   * on trust (`verifyRestored`): after the start, not in its way.
   */
  private maybeSnapshot(policy: SnapshotPolicy): void {
    if (this.restoredCheck === null && this.started && this.catchingUpProjections().length === 0) {
      this.restoredCheck = (policy.store.verifyRestored?.() ?? Promise.resolve()).catch((error: unknown) =>
        policy.log?.(`read-model snapshot check failed: ${(error as Error).message}`),
      );
    }
    if (this.snapshotInFlight || !this.started) return;
    const last = this.lastSnapshot!;
    const state = this.snapshotState();
    if (state === last.state) return;
    const live = this.catchingUpProjections().length === 0 && this.failedProjections().length === 0;
    const due =
      (live && !last.live) || (live && this.snapshotProgress() - last.progress >= policy.everyEvents) || Date.now() - last.at >= policy.everyMs;
    if (due) void this.takeSnapshot(live);
  }

  private takeSnapshot(live = this.catchingUpProjections().length === 0): Promise<void> {
    const policy = this.options.snapshots!;
    const state = this.snapshotState();
    const progress = this.snapshotProgress();
    const meta: SnapshotMeta = {
      projections: Object.fromEntries(
        [...this.slots.values()].map((slot) => [slot.projection.name, { version: slot.projection.version, collections: slot.projection.collections.map((spec) => spec.name) }]),
      ),
      takenAt: new Date().toISOString(),
    };
    const started = Date.now();
    const run = policy.store
      .write(meta)
      .then(
        (result) => {
          this.lastSnapshot = { state, progress, at: Date.now(), live };
          policy.log?.(`read-model snapshot written: ${result.documents} documents, ${Math.round(result.bytes / 1024)} KiB in ${Date.now() - started} ms`);
        },
        (error: unknown) => {
          this.lastSnapshot = { ...this.lastSnapshot!, at: Date.now() };
          policy.log?.(`read-model snapshot failed: ${(error as Error).message}`);
        },
      )
      .finally(() => {
        this.snapshotInFlight = null;
      });
    this.snapshotInFlight = run;
    return run;
  }

  /** Stores every projection's checkpoint where it moved (for processes that wait on stored checkpoints). */
  async checkpoint(): Promise<void> {
    for (const slot of this.slots.values()) await slot.runner.checkpoint();
  }

  /** Projections still replaying the store: their read models are not complete yet. */
  catchingUpProjections(): string[] {
    return [...this.slots.values()].filter((slot) => slot.runner.state === 'CATCHING_UP').map((slot) => slot.projection.name);
  }

  failedProjections(): string[] {
    return [...this.slots.values()].filter((slot) => slot.runner.state === 'FAILED').map((slot) => slot.projection.name);
  }

  projectionNames(): string[] {
    return [...this.slots.keys()];
  }

  /** The live collection behind a logical read-model name. */
  collection<T extends Document = Document>(logical: string): ReadCollection<T> {
    const slot = this.owners.get(logical);
    if (!slot) throw new Error(`no projection owns the collection ${logical}`);
    return this.readStore.collection<T>(versionedName(logical, slot.version));
  }

  /** True once every projection (or the named ones) has applied `position`; false on timeout. */
  async waitFor(position: Position, timeoutMs: number, names?: string[]): Promise<boolean> {
    const slots = names ? names.map((name) => this.slots.get(name)).filter((s): s is Slot => !!s) : [...this.slots.values()];
    // A failed projection is retrying from its checkpoint: answer at once rather than after the whole bound.
    if (slots.some((slot) => slot.runner.state === 'FAILED')) return false;
    const reached = await Promise.all(slots.map((slot) => slot.runner.waitFor(position, timeoutMs)));
    return reached.every(Boolean);
  }

  /** The last event a projection will see: events of other streams never move a projection's position. */
  private projectedHead(): Promise<Position> {
    return this.store.headPosition({ streamPrefixes: PROJECTED_STREAMS });
  }

  /** Resolves once every projection has applied everything in the store at the time of the call. */
  async waitForHead(timeoutMs: number): Promise<boolean> {
    const head = await this.projectedHead();
    return this.waitFor(head, timeoutMs);
  }

  private slot(name: string): Slot {
    const slot = this.slots.get(name);
    if (!slot) throw new UnknownProjectionError(`no projection named "${name}"; projections are ${[...this.slots.keys()].join(', ')}`);
    return slot;
  }

  private progressOf(runner: ProjectionRunner, target: Position): number {
    if (comparePositions(runner.position, target) >= 0) return 1;
    const from = runner.startedFrom?.commit ?? 0;
    const span = target.commit - from;
    return span <= 0 ? 0 : Math.max(0, Math.min(1, (runner.position.commit - from) / span));
  }

  private async statusOf(slot: Slot, head: Position, now: number): Promise<ProjectionStatusView> {
    const runner = slot.rebuild?.runner ?? slot.runner;
    const behind = comparePositions(runner.position, head) < 0;
    const pending = behind ? await this.store.readAll({ after: runner.position, limit: LAG_COUNT_LIMIT, streamPrefixes: PROJECTED_STREAMS }) : [];
    const oldest = pending[0];
    return {
      name: slot.projection.name,
      version: slot.version,
      state: slot.rebuild ? 'REBUILDING' : slot.runner.state,
      checkpoint: runner.processedEvents > 0 ? formatPosition(runner.position) : null,
      processedEvents: runner.processedEvents,
      lagEvents: pending.length,
      lagMs: oldest ? Math.max(0, now - oldest.recordedAt.getTime()) : 0,
      rebuildProgress: slot.rebuild ? this.progressOf(slot.rebuild.runner, slot.rebuild.target) : null,
      eventsPerSecond: runner.eventsPerSecond,
    };
  }

  async statuses(now = Date.now()): Promise<ProjectionStatusView[]> {
    const head = await this.projectedHead();
    const views: ProjectionStatusView[] = [];
    for (const slot of this.slots.values()) views.push(await this.statusOf(slot, head, now));
    return views;
  }

  async status(name: string, now = Date.now()): Promise<ProjectionStatusView> {
    return this.statusOf(this.slot(name), await this.projectedHead(), now);
  }

  /**
   * Blue/green rebuild: the next version is built from the start of the store into its own
   * collections while the live version keeps serving; once it has caught up it is swapped in,
   * in one step, and the old version's collections are dropped. Resolves when the rebuild has
   * started; `rebuildDone(name)` resolves after the swap.
   */
  async rebuild(name: string): Promise<ProjectionStatusView> {
    const slot = this.slot(name);
    if (slot.rebuild) throw new ProjectionBusyError(`a rebuild of ${name} (version ${slot.rebuild.version}) is already under way`);
    const version = slot.version + 1;
    await this.claimWork(name, slot.projection.collections.map((spec) => versionedName(spec.name, version)));
    await this.readStore.collection(CHECKPOINTS).deleteMany({ _id: `${name}@v${version}` });
    const runner = this.runnerFor(slot.projection, version, null, { initialState: 'REBUILDING' });
    const target = await this.projectedHead();
    const rebuild = { runner, version, target, done: Promise.resolve(null as unknown as ProjectionStatusView) };
    slot.rebuild = rebuild;
    rebuild.done = (async () => {
      try {
        await runner.start();
        await this.swapWhenCaughtUp(slot, runner, version);
      } catch (error) {
        slot.rebuild = null;
        await runner.stop();
        throw error;
      }
      return this.status(name);
    })();
    rebuild.done.catch((error: unknown) => this.options.onError?.(name, error));
    return this.status(name);
  }

  /** Resolves when the rebuild under way (if any) has been swapped in. */
  async rebuildDone(name: string): Promise<ProjectionStatusView> {
    const slot = this.slot(name);
    return slot.rebuild ? slot.rebuild.done : this.status(name);
  }

  private async swapWhenCaughtUp(slot: Slot, runner: ProjectionRunner, version: number): Promise<void> {
    let liveSince: number | null = null;
    for (;;) {
      if (!this.started) throw new Error('stopped before the rebuild caught up');
      if (runner.isLive) {
        liveSince ??= Date.now();
        // Caught up: level with the live version or with the store's head. Under a steady stream of
        // writes both move; once the new version has been live a while it is at most a few events
        // behind, which it applies within milliseconds, and waiters move over to it at the swap.
        if (comparePositions(runner.position, slot.runner.position) >= 0) break;
        if (comparePositions(runner.position, await this.projectedHead()) >= 0) break;
        if (Date.now() - liveSince > SWAP_GRACE_MS) break;
      }
      await new Promise((resolve) => setTimeout(resolve, SWAP_CHECK_MS));
    }
    const old = { runner: slot.runner, version: slot.version };
    // The swap: from here every read resolves to the new version's collections.
    slot.version = version;
    slot.runner = runner;
    slot.rebuild = null;
    runner.publishTo(this.feed);
    runner.promote(old.runner);
    await this.readStore
      .collection<RegistryDocument>(PROJECTION_REGISTRY)
      .updateOne({ _id: slot.projection.name }, { $set: { version } }, { upsert: true });
    this.options.onSwap?.(slot.projection.name, version);
    await old.runner.stop();
    for (const spec of slot.projection.collections) {
      await this.readStore.collection(versionedName(spec.name, old.version)).drop();
      // The new version is live now, no longer work in progress.
      await this.readStore.collection(PROJECTION_WORK).deleteMany({ _id: versionedName(spec.name, version) });
    }
    await this.readStore.collection(CHECKPOINTS).deleteMany({ _id: `${slot.projection.name}@v${old.version}` });
  }

  /** Per-document digests of the live version, taken at one position (retried if the projection moves meanwhile). */
  private async liveDigests(slot: Slot): Promise<{ position: Position; digests: Map<string, string> }> {
    for (let attempt = 0; ; attempt += 1) {
      const position = slot.runner.position;
      const version = slot.version;
      const digests = await this.digests(slot.projection, (logical) => versionedName(logical, version));
      if (comparePositions(position, slot.runner.position) === 0 && version === slot.version) return { position, digests };
      if (attempt >= 20) throw new ProjectionBusyError(`${slot.projection.name} kept moving while it was read; verify again when writes are quieter`);
    }
  }

  private async digests(projection: Projection, physical: (logical: string) => string): Promise<Map<string, string>> {
    const digests = new Map<string, string>();
    for (const spec of projection.collections) {
      for (const document of await this.readStore.collection(physical(spec.name)).find({})) {
        digests.set(`${spec.name}/${document._id}`, sha256(canonicalJson(document)));
      }
    }
    return digests;
  }

  private static combined(digests: Map<string, string>): string {
    return sha256([...digests.entries()].map(([id, digest]) => `${id}:${digest}`).sort().join('\n'));
  }

  /**
   * Rebuilds the projection into scratch collections up to the position the live version stands
   * at, and compares a digest of every document: the audit that the read model is exactly what
   * the events say.
   */
  async verify(name: string): Promise<ProjectionVerificationView> {
    const slot = this.slot(name);
    await slot.runner.waitFor(await this.projectedHead(), 30_000);
    const live = await this.liveDigests(slot);
    const nonce = randomBytes(6).toString('hex');
    const physical = (logical: string) => `${logical}_verify_${nonce}`;
    await this.claimWork(name, slot.projection.collections.map((spec) => physical(spec.name)));
    const scratch = this.runnerFor(slot.projection, slot.version, null, {
      collectionName: physical,
      checkpointId: `${name}@verify_${nonce}`,
      stopAt: live.position,
      initialState: 'REBUILDING',
    });
    try {
      await scratch.start();
      const reached = live.position.commit < 0 ? true : await scratch.waitFor(live.position, 10 * 60_000);
      if (!reached) throw new ProjectionBusyError(`the scratch build of ${name} did not reach the live position in time`);
      await scratch.stop();
      const rebuilt = await this.digests(slot.projection, physical);
      const differences: string[] = [];
      for (const id of new Set([...live.digests.keys(), ...rebuilt.keys()])) {
        if (live.digests.get(id) !== rebuilt.get(id)) differences.push(id);
        if (differences.length >= MAX_DIFFERENCES) break;
      }
      return {
        name,
        matches: differences.length === 0,
        liveDigest: ProjectionEngine.combined(live.digests),
        rebuiltDigest: ProjectionEngine.combined(rebuilt),
        documents: live.digests.size,
        differences: differences.sort(),
      };
    } finally {
      await scratch.stop();
      for (const spec of slot.projection.collections) await this.dropWork(physical(spec.name));
      await this.readStore.collection(CHECKPOINTS).deleteMany({ _id: `${name}@verify_${nonce}` });
    }
  }
}

import { existsSync } from 'node:fs';
import { readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { MemoryReadStore, type SnapshotWriteResult } from '@ledger/read-store';

/** What a snapshot says about the projections whose read models it holds. */
export interface SnapshotMeta {
  /** Each projection's code version and logical collections when the snapshot was taken. */
  projections: Record<string, { version: number; collections?: string[] }>;
  takenAt: string;
}

/** Where the engine writes its snapshots and what it started from. */
export interface SnapshotStore {
  /** The meta of the snapshot the read store was loaded from; null when it started empty. */
  readonly restored: SnapshotMeta | null;
  write(meta: SnapshotMeta): Promise<SnapshotWriteResult>;
  /** Checks what the load took on trust (the index orders), once the projections are live. */
  verifyRestored?(): Promise<void>;
}

function isSnapshotMeta(value: unknown): value is SnapshotMeta {
  if (value === null || typeof value !== 'object') return false;
  const projections = (value as { projections?: unknown }).projections;
  if (projections === null || typeof projections !== 'object') return false;
  return Object.values(projections as Record<string, unknown>).every(
    (entry) => entry !== null && typeof entry === 'object' && typeof (entry as { version?: unknown }).version === 'number',
  );
}

/**
 * Durable snapshots of the embedded (in-memory) read store, so a start loads the read models and
 * catches up from their checkpoints instead of replaying the whole event store. Two generations
 * are kept: `<path>` and `<path>.previous`; a start takes the newest one that loads whole. The
 * checkpoints travel inside the snapshot (they are documents of the read store), taken in the
 * same instant as the read models, so a snapshot can only be behind its own checkpoints' events,
 * never ahead: catching up from there re-applies events the per-document guards then skip.
 */
export class ReadModelSnapshots implements SnapshotStore {
  private constructor(
    readonly path: string,
    readonly store: MemoryReadStore,
    readonly restored: SnapshotMeta | null,
    private readonly log: (line: string) => void,
  ) {}

  static previousOf(path: string): string {
    return `${path}.previous`;
  }

  /**
   * Loads the newest valid snapshot at `path`. A damaged one (truncated, altered, unreadable) is
   * skipped with one line to `log`; with none left the store starts empty and every projection
   * rebuilds from the event store.
   */
  static async open(path: string, log: (line: string) => void = () => undefined): Promise<ReadModelSnapshots> {
    await removeUnfinishedWrites(path);
    for (const candidate of [path, ReadModelSnapshots.previousOf(path)]) {
      if (!existsSync(candidate)) continue;
      try {
        const { store, meta } = await MemoryReadStore.loadSnapshot(candidate);
        if (!isSnapshotMeta(meta)) throw new Error('its trailer names no projection versions');
        return new ReadModelSnapshots(path, store, meta, log);
      } catch (error) {
        log(`read-model snapshot ${candidate} ignored (${(error as Error).message}); ${candidate === path ? 'trying the previous one' : 'rebuilding from the event store'}`);
      }
    }
    return new ReadModelSnapshots(path, new MemoryReadStore(), null, log);
  }

  /**
   * The index orders the load took from the file are compared key by key (see
   * MemoryReadStore.verifyLoadedIndexes); one that does not hold is rebuilt, with one line each.
   */
  async verifyRestored(): Promise<void> {
    for (const name of await this.store.verifyLoadedIndexes()) {
      this.log(`read-model snapshot ${this.path}: index ${name} was not in its recorded order; rebuilt by sorting`);
    }
  }

  /** The current snapshot becomes the previous one, then the new one takes its name. */
  async write(meta: SnapshotMeta): Promise<SnapshotWriteResult> {
    return this.store.writeSnapshot(this.path, meta as unknown as Record<string, unknown>, async () => {
      if (existsSync(this.path)) await rename(this.path, ReadModelSnapshots.previousOf(this.path));
    });
  }
}

/** Temporary files of writes a crash interrupted: never read, so removed. */
async function removeUnfinishedWrites(path: string): Promise<void> {
  const directory = dirname(path);
  const prefix = `${basename(path)}.`;
  const names = await readdir(directory).catch(() => [] as string[]);
  for (const name of names) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) await unlink(join(directory, name)).catch(() => undefined);
  }
}

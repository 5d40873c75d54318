import type { ReadStore } from '@ledger/read-store';
import type { ProjectionEngine } from './projection-engine';
import { answerProjectionRequests } from './projector-requests';
import { ProjectorLease } from './projector-lease';

export interface ProjectorOptions {
  /** How often the lease is renewed (or, by a waiting projector, tried), and requests looked for. */
  tickMs?: number;
  log?(message: string): void;
}

/**
 * apps/projector's loop: wait for the lease, run the projections under its term while it is
 * held, answer the api's rebuild and verify requests, and stop the engine the moment the lease
 * is lost. A second projector against the same store waits, so they never both do the work.
 */
export class Projector {
  private engine: ProjectionEngine | null = null;
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;
  private ticking: Promise<void> = Promise.resolve();
  private answering: Promise<unknown> | null = null;

  constructor(
    private readonly readStore: ReadStore,
    private readonly lease: ProjectorLease,
    /** A fresh engine for a term, fenced by the lease. */
    private readonly engineFor: (term: number, fence: () => boolean) => ProjectionEngine,
    private readonly options: ProjectorOptions = {},
  ) {}

  /** Whether this projector holds the lease and runs the projections. */
  get working(): boolean {
    return this.engine !== null;
  }

  get projections(): ProjectionEngine | null {
    return this.engine;
  }

  async start(): Promise<void> {
    this.stopped = false;
    await this.tick();
    this.timer = setInterval(() => {
      this.ticking = this.ticking.then(() => this.tick()).catch((error: unknown) => this.options.log?.(`projector tick failed: ${(error as Error).message}`));
    }, this.options.tickMs ?? 2000);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking;
    await this.answering;
    await this.standDown();
    await this.lease.release();
  }

  private async tick(): Promise<void> {
    if (this.stopped) return;
    const held = await this.lease.acquireOrRenew().catch(() => false);
    if (!held) {
      if (this.engine) this.options.log?.('lost the projector lease; standing down');
      await this.standDown();
      return;
    }
    if (!this.engine) {
      const term = this.lease.term!;
      const engine = this.engineFor(term, () => this.lease.valid());
      await engine.start();
      this.engine = engine;
      this.options.log?.(`holding the projector lease (term ${term}); projections running`);
    }
    // The api waits on stored checkpoints: the tail of a catch-up is stored within a tick.
    await this.engine.checkpoint();
    // A verification can take minutes: it runs beside the ticks, which keep the lease renewed.
    this.answering ??= answerProjectionRequests(this.readStore, this.engine)
      .catch((error: unknown) => this.options.log?.(`answering projection requests failed: ${(error as Error).message}`))
      .finally(() => (this.answering = null));
  }

  private async standDown(): Promise<void> {
    const engine = this.engine;
    this.engine = null;
    await engine?.stop();
  }
}

import { randomUUID } from 'node:crypto';
import type { Document, ReadStore } from '@ledger/read-store';

/** The one document that says which projector works now. */
export const PROJECTOR_LEASE = 'projector_lease';
const LEASE_ID = 'projector';

interface LeaseDocument extends Document {
  owner: string;
  term: number;
  expiresAt: string;
}

export interface ProjectorLeaseOptions {
  ttlMs?: number;
  clock?: () => number;
}

/**
 * A lease in the read store (MongoDB in production): one projector holds it and works, others
 * wait and take over when it lapses. Every change is a compare-and-set on the document as read
 * (a guarded update; on a race to create it the port reports the loser's duplicate `_id` as
 * "nothing written"), and each new holder gets the next term, which tells work of a lapsed
 * holder from work of the current one. The holder stops writing on its own before the lease can
 * lapse (see `valid`), so a holder cut off from the store does not write beside its successor.
 */
export class ProjectorLease {
  readonly owner: string;
  private readonly ttlMs: number;
  private readonly clock: () => number;
  private held: { term: number; renewedAt: number } | null = null;

  constructor(
    private readonly readStore: ReadStore,
    options: ProjectorLeaseOptions & { owner?: string } = {},
  ) {
    this.owner = options.owner ?? randomUUID();
    this.ttlMs = options.ttlMs ?? 10_000;
    this.clock = options.clock ?? Date.now;
  }

  get term(): number | null {
    return this.held?.term ?? null;
  }

  /** Whether this process may still write: it renewed less than half a lease ago (room for clock skew and a slow write). */
  valid(): boolean {
    return this.held !== null && this.clock() - this.held.renewedAt < this.ttlMs / 2;
  }

  /** Takes the lease when free or lapsed, or renews it when ours: true while held. */
  async acquireOrRenew(): Promise<boolean> {
    const leases = this.readStore.collection<LeaseDocument>(PROJECTOR_LEASE);
    const now = this.clock();
    const current = await leases.findOne({ _id: LEASE_ID });
    const ours = current?.owner === this.owner && current.term === this.held?.term;
    if (current && !ours && current.expiresAt > new Date(now).toISOString()) {
      this.held = null;
      return false;
    }
    const term = ours ? current!.term : (current?.term ?? 0) + 1;
    const asRead = current ? { _id: LEASE_ID, owner: current.owner, term: current.term, expiresAt: current.expiresAt } : { _id: LEASE_ID, term: { $exists: false } };
    const written = await leases.updateOne(asRead, { $set: { owner: this.owner, term, expiresAt: new Date(now + this.ttlMs).toISOString() } }, { upsert: true });
    this.held = written.matchedCount + written.upsertedCount > 0 ? { term, renewedAt: now } : null;
    return this.held !== null;
  }

  /** Lets another projector take over at once. */
  async release(): Promise<void> {
    if (!this.held) return;
    const term = this.held.term;
    this.held = null;
    await this.readStore
      .collection<LeaseDocument>(PROJECTOR_LEASE)
      .updateOne({ _id: LEASE_ID, owner: this.owner, term }, { $set: { expiresAt: new Date(0).toISOString() } });
  }
}

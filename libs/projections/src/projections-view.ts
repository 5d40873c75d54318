import type { Position } from '@ledger/event-store';
import type { Document, ReadCollection } from '@ledger/read-store';
import type { ProjectionStatusView, ProjectionVerificationView } from './projection-engine';

/**
 * The projections as the api sees them, whoever runs them: the engine in this process (the
 * embedded default), or the projector elsewhere, followed through what it stores in MongoDB.
 */
export interface Projections {
  /** The live collection behind a logical read-model name. */
  collection<T extends Document = Document>(logical: string): ReadCollection<T>;
  /** True once every projection has applied `position`; false on timeout. */
  waitFor(position: Position, timeoutMs: number): Promise<boolean>;
  /** True once every projection has applied everything in the store at the time of the call. */
  waitForHead(timeoutMs: number): Promise<boolean>;
  statuses(now?: number): Promise<ProjectionStatusView[]>;
  /** For readiness: projections that failed, and those still replaying the store after a start. */
  failedProjections(): string[];
  catchingUpProjections(): string[];
  rebuild(name: string): Promise<ProjectionStatusView>;
  verify(name: string): Promise<ProjectionVerificationView>;
  stop(): Promise<void>;
}

export const PROJECTIONS = Symbol('PROJECTIONS');

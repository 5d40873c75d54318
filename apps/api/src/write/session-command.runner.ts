import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { AppendRunEvents, ConflictError, decide, SessionCommand, SessionEvent } from '@ledger/domain';
import { WrongExpectedRevisionError } from '@ledger/event-store';
import { KeyedLock } from './keyed-lock';
import { AppendContext, AppendedEvents, LoadedSession, SessionRepository } from './session-repository';

export const MAX_CONFLICT_RETRIES = 5;

export interface CommandOutcome {
  session: LoadedSession;
  appended: AppendedEvents | null;
  events: SessionEvent[];
  /** Events of the command that were already stored (same ids), and so not appended again. */
  deduplicated: number;
  /** Revisions of the deduplicated events, when every event of the command was a retry. */
  deduplicatedRevisions: number[];
}

/**
 * The generic command handler: load the session, decide, append with the expected revision.
 * A revision conflict (another process appended first) is retried a bounded number of times
 * on fresh state, then surfaces as CONFLICT.
 */
@Injectable()
export class SessionCommandRunner implements BeforeApplicationShutdown {
  private readonly locks = new KeyedLock();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(private readonly repository: SessionRepository) {}

  /** On SIGTERM/SIGINT, commands under way finish their appends before the stores close. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.allSettled([...this.inFlight]);
  }

  execute(command: SessionCommand, context: AppendContext): Promise<CommandOutcome> {
    const work = this.run(command, context);
    this.inFlight.add(work);
    const forget = () => this.inFlight.delete(work);
    work.then(forget, forget);
    return work;
  }

  private run(command: SessionCommand, context: AppendContext): Promise<CommandOutcome> {
    return this.locks.run(command.sessionId, async () => {
      for (let attempt = 1; ; attempt += 1) {
        const session = await this.repository.load(command.sessionId);
        const { effective, deduplicatedRevisions } = withoutStoredEvents(command, session);
        if (effective === null) {
          return { session, appended: null, events: [], deduplicated: deduplicatedRevisions.length, deduplicatedRevisions };
        }
        const events = decide(effective, session.state);
        const deduplicated = deduplicatedRevisions.length;
        if (events.length === 0) return { session, appended: null, events, deduplicated, deduplicatedRevisions: [] };
        try {
          const appended = await this.repository.append(session, events, context);
          return { session, appended, events, deduplicated, deduplicatedRevisions: [] };
        } catch (error) {
          this.repository.forget(command.sessionId);
          if (!(error instanceof WrongExpectedRevisionError)) throw error;
          if (attempt >= MAX_CONFLICT_RETRIES) {
            throw new ConflictError(
              `session ${command.sessionId} kept changing while this command was applied (${attempt} attempts); retry with the same ids`,
            );
          }
        }
      }
    });
  }
}

/**
 * A retried appendRunEvents carries ids already stored: those events are dropped before deciding,
 * so they are stored once. When all of them were stored, the command is a no-op.
 */
function withoutStoredEvents(
  command: SessionCommand,
  session: LoadedSession,
): { effective: SessionCommand | null; deduplicatedRevisions: number[] } {
  if (command.type !== 'AppendRunEvents') return { effective: command, deduplicatedRevisions: [] };
  const deduplicatedRevisions: number[] = [];
  const fresh = command.events.filter((event) => {
    const revision = session.eventIds.get(event.id);
    if (revision === undefined) return true;
    deduplicatedRevisions.push(revision);
    return false;
  });
  if (fresh.length === command.events.length) return { effective: command, deduplicatedRevisions };
  if (fresh.length === 0) return { effective: null, deduplicatedRevisions };
  // The client's expectedSequence described the batch as first sent; the stored part moved the session on.
  const effective: AppendRunEvents = { ...command, events: fresh, expectedSequence: null };
  return { effective, deduplicatedRevisions };
}

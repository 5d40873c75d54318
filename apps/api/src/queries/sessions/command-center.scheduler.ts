import { setTimeout as sleep } from 'node:timers/promises';
import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { deterministicUuid, FOREVER, plusSeconds, SYSTEM_PRINCIPAL } from '@ledger/domain';
import { START_POSITION } from '@ledger/event-store';
import { CHANGE_FEED, ChangeFeed, Projections, PROJECTIONS, SessionDocument, SESSIONS } from '@ledger/projections';
import { ExecuteSessionCommand } from '../../commands/session-command.handler';
import { CLOCK, Clock } from '../../platform/clock';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';

/** setTimeout's longest delay; a later instant is reached by waking early and re-arming. */
const MAX_DELAY_MS = 2_147_000_000;
const REARM_DEBOUNCE_MS = 20;
/** How often a start looks again whether the sessions replay is done, once the first wait for the head ran out. */
const REPLAY_POLL_MS = 250;

/**
 * Time passes without events. This wakes at the next stored instant (a session's activeUntil,
 * the end of its recent window, a RUNTIME's idle deadline), announces the sessions whose section
 * changed on the change feed, and times out idle RUNTIME sessions with a real event. It scans no
 * documents: each wake is a few index range reads.
 *
 * It starts once the sessions projection has replayed the store. Until then that read model is
 * partial, and on a build from nothing its secondary indexes do not exist yet (the runner builds
 * them at the head), so each of these queries would scan every document: re-armed on each change
 * of the replay, that was four fifths of a first start's time at 100 000 sessions.
 */
@Injectable()
export class CommandCenterScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('CommandCenterScheduler');
  private timer: NodeJS.Timeout | null = null;
  private armedFor: number | null = null;
  private lastWake: string;
  private stopFeed: (() => void) | null = null;
  private rearmPending: NodeJS.Timeout | null = null;
  private stopped = false;
  private running: Promise<void> = Promise.resolve();

  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    private readonly commands: CommandBus,
    @Inject(CHANGE_FEED) private readonly feed: ChangeFeed,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {
    this.lastWake = this.clock().toISOString();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.stopFeed = this.feed.subscribe((change) => {
      if (change.collection === SESSIONS && change.projection !== 'scheduler' && !this.replaying()) this.rearmSoon();
    });
    // Deadlines that passed while no process was running are handled now: the timer survives restarts.
    void this.replayDone().then(() => this.wake());
  }

  /** The sessions projection is still replaying the store after this start. */
  private replaying(): boolean {
    return this.projections.catchingUpProjections().includes(SESSIONS);
  }

  private async replayDone(): Promise<void> {
    await this.projections.waitForHead(60_000);
    while (!this.stopped && this.replaying()) await sleep(REPLAY_POLL_MS, undefined, { ref: false });
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    this.stopFeed?.();
    if (this.timer) clearTimeout(this.timer);
    if (this.rearmPending) clearTimeout(this.rearmPending);
    await this.running;
  }

  private rearmSoon(): void {
    if (this.rearmPending || this.stopped) return;
    this.rearmPending = setTimeout(() => {
      this.rearmPending = null;
      void this.arm();
    }, REARM_DEBOUNCE_MS);
  }

  /** The next instant at which some session changes section or times out. */
  private async nextInstant(now: string): Promise<number | null> {
    const sessions = this.projections.collection<SessionDocument>(SESSIONS);
    const [active] = await sessions.find({ activeUntil: { $gt: now, $lt: FOREVER } }, { sort: { activeUntil: 1 }, limit: 1 });
    const recent = this.config.windows.recentSeconds;
    const since = plusSeconds(now, -recent);
    const [oldestRecent] = await sessions.find({ lastActivityAt: { $gt: since } }, { sort: { lastActivityAt: 1 }, limit: 1 });
    const [idle] = await sessions.find({ idleDeadline: { $gt: now } }, { sort: { idleDeadline: 1 }, limit: 1 });
    const [overdue] = await sessions.find({ idleDeadline: { $lte: now } }, { limit: 1 });
    const candidates = [
      overdue ? Date.parse(now) + 1000 : null,
      active?.activeUntil ? Date.parse(active.activeUntil) : null,
      oldestRecent ? Date.parse(plusSeconds(oldestRecent.lastActivityAt, recent)) : null,
      idle?.idleDeadline ? Date.parse(idle.idleDeadline) : null,
    ].filter((t): t is number => t !== null);
    return candidates.length ? Math.min(...candidates) : null;
  }

  private async arm(): Promise<void> {
    if (this.stopped) return;
    const now = this.clock();
    const next = await this.nextInstant(now.toISOString());
    if (next === null) return;
    if (this.armedFor !== null && this.armedFor <= next && this.timer) return;
    if (this.timer) clearTimeout(this.timer);
    this.armedFor = next;
    // One millisecond past the instant, so that "active until t" is over when we look.
    const delay = Math.min(Math.max(0, next - now.getTime() + 1), MAX_DELAY_MS);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.armedFor = null;
      void this.wake();
    }, delay);
  }

  private wake(): Promise<void> {
    this.running = this.running.then(() => this.process()).catch((error: unknown) => {
      this.logger.error(`scheduler wake failed: ${(error as Error).message}`);
    });
    return this.running.then(() => this.arm());
  }

  private async process(): Promise<void> {
    if (this.stopped) return;
    const sessions = this.projections.collection<SessionDocument>(SESSIONS);
    const from = this.lastWake;
    const now = this.clock().toISOString();
    this.lastWake = now;
    const recent = this.config.windows.recentSeconds;
    const wentQuiet = await sessions.find({ activeUntil: { $gt: from, $lte: now } });
    const agedOut = await sessions.find({ lastActivityAt: { $gt: plusSeconds(from, -recent), $lte: plusSeconds(now, -recent) } });
    for (const document of [...wentQuiet, ...agedOut]) {
      this.feed.announce({ projection: 'scheduler', collection: SESSIONS, organizationId: document.organizationId, id: document._id, position: START_POSITION });
    }
    const idle = await sessions.find({ idleDeadline: { $lte: now } });
    for (const document of idle) await this.timeOut(document, now);
  }

  /** A real event, written once even with several processes: the expected revision and a deterministic id guard it. */
  private async timeOut(document: SessionDocument, at: string): Promise<void> {
    try {
      await this.commands.execute(
        new ExecuteSessionCommand(
          {
            type: 'TimeOutSession',
            sessionId: document._id,
            actor: { organizationId: document.organizationId, principal: SYSTEM_PRINCIPAL, roles: [] },
            at,
            eventId: deterministicUuid(document._id, 'TimedOut', String(document.sequence)),
          },
          `idle-timeout-${document._id}`,
        ),
      );
    } catch (error) {
      this.logger.warn(`could not time out ${document._id}; will retry at the next wake: ${(error as Error).message}`);
    }
  }
}

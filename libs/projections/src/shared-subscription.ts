import type { EventHandler, EventStore, Position, RecordedEvent, Subscription, SubscribeToAllOptions } from '@ledger/event-store';
import { comparePositions } from '@ledger/event-store';

interface Member {
  handler: EventHandler;
  after: Position;
  resolve(): void;
  reject(error: unknown): void;
  subscription: Subscription;
}

/**
 * One read of the store for several projections: each event is read and decoded once and handed
 * to every member in turn (awaiting each), from the earliest member's position. A member whose
 * handler fails is dropped with its error (its runner then resubscribes on its own); the others go on.
 */
export class SharedSubscription {
  private readonly members = new Set<Member>();
  private source: Subscription | null = null;

  constructor(
    private readonly store: EventStore,
    private readonly streamPrefixes: string[],
  ) {}

  /** Same shape as EventStore.subscribeToAll, for a member; events flow once `start()` is called. */
  subscribe = (handler: EventHandler, options: SubscribeToAllOptions = {}): Subscription => {
    let member!: Member;
    const done = new Promise<void>((resolve, reject) => {
      member = { handler, after: options.after ?? { commit: -1, prepare: -1 }, resolve, reject, subscription: null as unknown as Subscription };
    });
    const shared = this;
    member.subscription = {
      done,
      get isLive() {
        return shared.source?.isLive ?? false;
      },
      async stop() {
        shared.members.delete(member);
        member.resolve();
      },
    };
    this.members.add(member);
    return member.subscription;
  };

  start(): void {
    if (this.members.size === 0) return;
    const after = [...this.members].map((m) => m.after).reduce((a, b) => (comparePositions(a, b) <= 0 ? a : b));
    this.source = this.store.subscribeToAll((event) => this.deliver(event), { after, streamPrefixes: this.streamPrefixes });
    this.source.done.then(
      () => undefined,
      (error: unknown) => {
        for (const member of this.members) member.reject(error);
        this.members.clear();
      },
    );
  }

  /** Awaits only the members that return a promise: most take an event synchronously. */
  private deliver(event: RecordedEvent): Promise<void> | void {
    const members = [...this.members];
    for (let i = 0; i < members.length; i++) {
      const member = members[i]!;
      if (comparePositions(event.position, member.after) <= 0) continue;
      let pending: Promise<void> | void;
      try {
        pending = member.handler(event);
      } catch (error) {
        this.drop(member, error);
        continue;
      }
      if (pending) return this.finish(pending, member, event, members, i + 1);
    }
  }

  /** The rest of `deliver` once a member's promise settles, members from `next` on. */
  private async finish(pending: Promise<void>, member: Member, event: RecordedEvent, members: Member[], next: number): Promise<void> {
    try {
      await pending;
    } catch (error) {
      this.drop(member, error);
    }
    for (let i = next; i < members.length; i++) {
      const other = members[i]!;
      if (comparePositions(event.position, other.after) <= 0) continue;
      try {
        await other.handler(event);
      } catch (error) {
        this.drop(other, error);
      }
    }
  }

  private drop(member: Member, error: unknown): void {
    this.members.delete(member);
    member.reject(error);
  }

  async stop(): Promise<void> {
    const source = this.source;
    this.source = null;
    await source?.stop();
  }
}

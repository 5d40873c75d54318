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

  private async deliver(event: RecordedEvent): Promise<void> {
    for (const member of [...this.members]) {
      if (comparePositions(event.position, member.after) <= 0) continue;
      try {
        await member.handler(event);
      } catch (error) {
        this.members.delete(member);
        member.reject(error);
      }
    }
  }

  async stop(): Promise<void> {
    const source = this.source;
    this.source = null;
    await source?.stop();
  }
}

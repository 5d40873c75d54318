"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.SharedSubscription = void 0;
const event_store_1 = require("../../event-store/src/index.js");
/**
 * One read of the store for several projections: each event is read and decoded once and handed
 * to every member in turn (awaiting each), from the earliest member's position. A member whose
 * handler fails is dropped with its error (its runner then resubscribes on its own); the others go on.
 */
class SharedSubscription {
    store;
    streamPrefixes;
    members = new Set();
    source = null;
    constructor(store, streamPrefixes) {
        this.store = store;
        this.streamPrefixes = streamPrefixes;
    }
    /** Same shape as EventStore.subscribeToAll, for a member; events flow once `start()` is called. */
    subscribe = (handler, options = {}) => {
        let member;
        const done = new Promise((resolve, reject) => {
            member = { handler, after: options.after ?? { commit: -1, prepare: -1 }, resolve, reject, subscription: null };
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
    start() {
        if (this.members.size === 0)
            return;
        const after = [...this.members].map((m) => m.after).reduce((a, b) => ((0, event_store_1.comparePositions)(a, b) <= 0 ? a : b));
        this.source = this.store.subscribeToAll((event) => this.deliver(event), { after, streamPrefixes: this.streamPrefixes });
        this.source.done.then(() => undefined, (error) => {
            for (const member of this.members)
                member.reject(error);
            this.members.clear();
        });
    }
    async deliver(event) {
        for (const member of [...this.members]) {
            if ((0, event_store_1.comparePositions)(event.position, member.after) <= 0)
                continue;
            try {
                await member.handler(event);
            }
            catch (error) {
                this.members.delete(member);
                member.reject(error);
            }
        }
    }
    async stop() {
        const source = this.source;
        this.source = null;
        await source?.stop();
    }
}
exports.SharedSubscription = SharedSubscription;
//# sourceMappingURL=shared-subscription.js.map
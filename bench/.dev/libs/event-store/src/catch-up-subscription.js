"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CatchUpSubscription = void 0;
const node_async_hooks_1 = require("node:async_hooks");
/** Which subscription's handler is running, so `stop()` from inside a handler does not wait on itself. */
const runningHandler = new node_async_hooks_1.AsyncLocalStorage();
/**
 * The lifecycle both adapters share: one handler call at a time, `done` that settles when the
 * feed loop ends (rejecting with the loop's or the handler's error), and a `stop()` that waits for
 * the in-flight handler unless it is called from that very handler.
 */
class CatchUpSubscription {
    handler;
    done;
    live = false;
    stopRequested = false;
    stopListeners = [];
    /**
     * `feed` pushes events through `deliver` until `stopRequested` is seen. It starts on a later
     * microtask: callers may reference the returned subscription inside their handler.
     */
    constructor(handler, feed) {
        this.handler = handler;
        this.done = Promise.resolve()
            .then(() => feed(this))
            .finally(() => this.requestStop());
    }
    get isLive() {
        return this.live;
    }
    get isStopping() {
        return this.stopRequested;
    }
    markLive() {
        this.live = true;
    }
    /** Called once, on the first stop request (from `stop()`, the store's `close()`, or the end of the feed). */
    onStop(listener) {
        if (this.stopRequested)
            listener();
        else
            this.stopListeners.push(listener);
    }
    async deliver(event) {
        await runningHandler.run(this, () => this.handler(event));
    }
    requestStop() {
        if (this.stopRequested)
            return;
        this.stopRequested = true;
        for (const listener of this.stopListeners.splice(0))
            listener();
    }
    async stop() {
        this.requestStop();
        if (runningHandler.getStore() === this)
            return;
        await this.done.catch(() => undefined);
    }
}
exports.CatchUpSubscription = CatchUpSubscription;
//# sourceMappingURL=catch-up-subscription.js.map
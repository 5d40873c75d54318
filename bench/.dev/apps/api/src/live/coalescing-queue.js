"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CoalescingQueue = void 0;
/**
 * A subscriber's pending work: keys of things that changed, each at most once (a session that
 * changes ten times before the subscriber reads is read once, as it is then). Bounded: when more
 * distinct keys are pending than `capacity`, the subscriber is too slow and is closed through
 * `onOverflow`, alone, so the feed that pushes never waits.
 */
class CoalescingQueue {
    capacity;
    resolve;
    onOverflow;
    pending = new Set();
    wake = null;
    closed = false;
    cleanups = [];
    constructor(capacity, 
    /** Turns a key into what the subscriber receives, or null when there is nothing to send. */
    resolve, onOverflow) {
        this.capacity = capacity;
        this.resolve = resolve;
        this.onOverflow = onOverflow;
    }
    onClose(cleanup) {
        if (this.closed)
            cleanup();
        else
            this.cleanups.push(cleanup);
    }
    push(key) {
        if (this.closed || this.pending.has(key))
            return;
        if (this.pending.size >= this.capacity) {
            this.close();
            this.onOverflow(this.capacity);
            return;
        }
        this.pending.add(key);
        const wake = this.wake;
        this.wake = null;
        wake?.();
    }
    get size() {
        return this.pending.size;
    }
    async next() {
        for (;;) {
            if (this.closed)
                return { value: undefined, done: true };
            const first = this.pending.values().next();
            if (first.done) {
                await new Promise((resolve) => (this.wake = resolve));
                continue;
            }
            this.pending.delete(first.value);
            const value = await this.resolve(first.value);
            if (value !== null && !this.closed)
                return { value, done: false };
        }
    }
    return() {
        this.close();
        return Promise.resolve({ value: undefined, done: true });
    }
    throw(error) {
        this.close();
        return Promise.reject(error);
    }
    [Symbol.asyncIterator]() {
        return this;
    }
    close() {
        if (this.closed)
            return;
        this.closed = true;
        this.pending.clear();
        const wake = this.wake;
        this.wake = null;
        wake?.();
        for (const cleanup of this.cleanups.splice(0))
            cleanup();
    }
}
exports.CoalescingQueue = CoalescingQueue;
//# sourceMappingURL=coalescing-queue.js.map
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.TimelineFollower = void 0;
exports.verdictOf = verdictOf;
exports.reconnectDelayMs = reconnectDelayMs;
const errors_1 = require("./errors");
/**
 * Close codes after which reconnecting cannot help: the request or the credential is wrong
 * (graphql-ws's own fatal codes, and 4403 Forbidden for an unknown key).
 */
const FATAL_CLOSE_CODES = new Set([4004, 4005, 4400, 4401, 4403, 4406, 4409, 4429]);
/** What to do when a live timeline subscription ends. */
function verdictOf(end) {
    switch (end.kind) {
        case 'completed':
            return { action: 'stop' };
        case 'errors':
            return { action: 'fail', error: end.errors[0] ?? new errors_1.ApiError('INTERNAL', 'the subscription failed without saying why') };
        case 'closed': {
            const reason = end.reason ? `${end.code} ${end.reason}` : `close code ${end.code}`;
            if (end.code === 4403)
                return { action: 'fail', error: new errors_1.ApiError('UNAUTHENTICATED', `the server refused the key for subscriptions (${reason})`) };
            if (FATAL_CLOSE_CODES.has(end.code))
                return { action: 'fail', error: new errors_1.ApiError('BAD_USER_INPUT', `the server closed the subscription (${reason})`) };
            return { action: 'reconnect', reason: `connection closed (${reason})` };
        }
        case 'failed':
            return { action: 'reconnect', reason: end.message };
        default: {
            const _never = end;
            return _never;
        }
    }
}
/** Wait before reconnect attempt `attempt` (1-based): 0.5 s doubling up to 10 s. */
function reconnectDelayMs(attempt) {
    return Math.min(10_000, 500 * 2 ** Math.max(0, attempt - 1));
}
const defaultSleep = (ms, stopped) => new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    void stopped.then(() => {
        clearTimeout(timer);
        resolve();
    });
});
/**
 * Follows a session's timeline through the subscription, printing each event once: it resumes
 * after the last sequence it printed whenever the connection drops, and drops anything at or
 * below that sequence, so a replay after a reconnect neither skips nor repeats an event.
 */
class TimelineFollower {
    options;
    last;
    stopRequested = false;
    signalStop = () => undefined;
    stopped;
    constructor(options) {
        this.options = options;
        this.last = options.after;
        this.stopped = new Promise((resolve) => (this.signalStop = resolve));
    }
    get lastSequence() {
        return this.last;
    }
    stop() {
        this.stopRequested = true;
        this.signalStop();
    }
    /** Resolves when stopped (Ctrl-C) or when the server completes the subscription; rejects on a fatal error. */
    async run() {
        const sleep = this.options.sleep ?? defaultSleep;
        let failures = 0;
        while (!this.stopRequested) {
            const end = await this.once(() => (failures = 0));
            if (this.stopRequested || end === null)
                break;
            const verdict = verdictOf(end);
            if (verdict.action === 'stop')
                return { how: 'completed', lastSequence: this.last };
            if (verdict.action === 'fail')
                throw verdict.error;
            failures += 1;
            const delayMs = reconnectDelayMs(failures);
            this.options.onReconnect?.({ attempt: failures, delayMs, after: this.last, reason: verdict.reason });
            await sleep(delayMs, this.stopped);
        }
        return { how: 'stopped', lastSequence: this.last };
    }
    /** One subscription, until it ends (its end) or the follower is stopped (null). */
    once(onConnected) {
        return new Promise((resolve) => {
            let settled = false;
            let close = null;
            const settle = (value) => {
                if (settled)
                    return;
                settled = true;
                close?.();
                resolve(value);
            };
            close = this.options.open(this.last, {
                connected: onConnected,
                next: (event) => {
                    if (settled || event.sequence <= this.last)
                        return;
                    this.last = event.sequence;
                    this.options.print(event);
                },
                end: (how) => settle(how),
            });
            if (settled)
                close();
            void this.stopped.then(() => settle(null));
        });
    }
}
exports.TimelineFollower = TimelineFollower;
//# sourceMappingURL=timeline-follower.js.map
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.InProcessChangeFeed = exports.CHANGE_FEED = void 0;
exports.CHANGE_FEED = Symbol('CHANGE_FEED');
class InProcessChangeFeed {
    listeners = new Set();
    publish(change) {
        for (const listener of this.listeners)
            listener(change);
    }
    subscribe(listener) {
        this.listeners.add(listener);
        return () => this.listeners.delete(listener);
    }
}
exports.InProcessChangeFeed = InProcessChangeFeed;
//# sourceMappingURL=change-feed.js.map
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.KeyedLock = void 0;
/**
 * Serialises work per key inside this process. Commands on one session then never race each
 * other here (other processes are still held off by the expected revision), and commands on
 * different sessions run side by side.
 */
class KeyedLock {
    tails = new Map();
    async run(key, work) {
        const previous = this.tails.get(key) ?? Promise.resolve();
        const result = previous.then(work, work);
        const tail = result.catch(() => undefined);
        this.tails.set(key, tail);
        try {
            return await result;
        }
        finally {
            if (this.tails.get(key) === tail)
                this.tails.delete(key);
        }
    }
}
exports.KeyedLock = KeyedLock;
//# sourceMappingURL=keyed-lock.js.map
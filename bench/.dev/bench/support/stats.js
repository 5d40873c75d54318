"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.MiB = void 0;
exports.now = now;
exports.percentile = percentile;
exports.perSecond = perSecond;
exports.processMemory = processMemory;
const node_fs_1 = require("node:fs");
function now() {
    return Number(process.hrtime.bigint()) / 1e6;
}
/** Nearest-rank percentile of samples (ms). */
function percentile(samples, p) {
    if (samples.length === 0)
        return NaN;
    const sorted = [...samples].sort((a, b) => a - b);
    const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
    return sorted[rank];
}
function perSecond(count, ms) {
    return ms > 0 ? (count * 1000) / ms : 0;
}
/** VmHWM (peak resident set) and VmRSS of a process, in bytes, from /proc. */
function processMemory(pid = 'self') {
    try {
        const status = (0, node_fs_1.readFileSync)(`/proc/${pid}/status`, 'utf8');
        const field = (name) => {
            const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
            return match ? Number(match[1]) * 1024 : NaN;
        };
        return { peakRss: field('VmHWM'), rss: field('VmRSS') };
    }
    catch {
        return null;
    }
}
exports.MiB = 1024 * 1024;
//# sourceMappingURL=stats.js.map
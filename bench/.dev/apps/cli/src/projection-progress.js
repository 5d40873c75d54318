"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.PROJECTION_FIELDS = void 0;
exports.rebuildPhase = rebuildPhase;
exports.formatDuration = formatDuration;
exports.formatCount = formatCount;
exports.formatRebuildSummary = formatRebuildSummary;
exports.phaseLabel = phaseLabel;
exports.formatProgressLine = formatProgressLine;
exports.PROJECTION_FIELDS = 'name version state processedEvents lagEvents rebuildProgress eventsPerSecond';
/**
 * Where a rebuild stands, from the projections list. While it runs the list may hold the live
 * version and the one being built side by side (same name); the rebuild is done when a version
 * newer than `before` is LIVE and nothing of that name is still REBUILDING.
 */
function rebuildPhase(name, before, statuses) {
    const mine = statuses.filter((status) => status.name === name);
    const newer = mine.filter((status) => status.version > before).sort((a, b) => b.version - a.version);
    const target = newer[0] ?? null;
    if (target?.state === 'FAILED')
        return { kind: 'failed', status: target };
    if (!target && mine.length === 1 && mine[0].state === 'FAILED')
        return { kind: 'failed', status: mine[0] };
    if (target?.state === 'LIVE' && !mine.some((status) => status.state === 'REBUILDING'))
        return { kind: 'done', status: target };
    const shown = target ?? mine.find((status) => status.state === 'REBUILDING') ?? mine[0] ?? null;
    return { kind: 'running', status: shown, progress: progressOf(shown) };
}
function progressOf(status) {
    if (!status)
        return 0;
    if (status.rebuildProgress !== null && Number.isFinite(status.rebuildProgress))
        return Math.min(1, Math.max(0, status.rebuildProgress));
    const total = status.processedEvents + status.lagEvents;
    return total > 0 ? Math.min(1, status.processedEvents / total) : 0;
}
/** "1.2 s", "3 min 05 s" */
function formatDuration(ms) {
    if (ms < 60_000)
        return `${(ms / 1000).toFixed(1)} s`;
    const seconds = Math.round(ms / 1000);
    return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}
/** Whole numbers with thin grouping: 1234567 -> "1,234,567". */
function formatCount(value) {
    return Math.round(value).toLocaleString('en-US');
}
function formatRebuildSummary(summary) {
    const rate = summary.durationMs > 0 ? summary.events / (summary.durationMs / 1000) : 0;
    return [
        `rebuilt ${summary.name}: version ${summary.fromVersion} -> ${summary.toVersion}, now LIVE`,
        `  events processed  ${formatCount(summary.events)}`,
        `  duration          ${formatDuration(summary.durationMs)}`,
        `  average           ${formatCount(rate)} events/s`,
    ];
}
/**
 * Which version the numbers are about: a newer version by its own state; the live version while
 * it reports the rebuild (some servers list only the live version until the swap).
 */
function phaseLabel(before, phase) {
    const status = phase.status;
    if (!status)
        return 'starting';
    if (status.version > before)
        return `v${status.version} ${status.state}`;
    if (status.state === 'FAILED')
        return `v${status.version} FAILED`;
    return status.state === 'LIVE' ? 'starting' : `building v${before + 1} (v${before} serving)`;
}
/** One plain progress line, for a stdout that is not a terminal. */
function formatProgressLine(name, before, phase, elapsedMs) {
    const status = phase.status;
    const percent = phase.kind === 'running' ? phase.progress * 100 : 100;
    const parts = [
        `rebuild ${name}`,
        phaseLabel(before, phase),
        `${percent.toFixed(1)}%`,
        `${formatCount(status?.processedEvents ?? 0)} events`,
        `${formatCount(status?.eventsPerSecond ?? 0)} events/s`,
        `lag ${formatCount(status?.lagEvents ?? 0)}`,
        formatDuration(elapsedMs),
    ];
    return parts.join('  ');
}
//# sourceMappingURL=projection-progress.js.map
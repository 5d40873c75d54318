"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.FOREVER = void 0;
exports.activeUntil = activeUntil;
exports.isActive = isActive;
exports.isRecent = isRecent;
exports.sessionStatusGroup = sessionStatusGroup;
exports.progressOf = progressOf;
const session_status_1 = require("./session.status");
/** Stands for "active until something happens": flows and tasks stay active while their status says so. */
exports.FOREVER = '9999-12-31T23:59:59.999Z';
function plusSeconds(iso, seconds) {
    return new Date(Date.parse(iso) + seconds * 1000).toISOString();
}
/**
 * The instant the session stops being active if nothing happens, or null when it is not active
 * by its status at all. Stored on the read model so Active is an index-friendly range query.
 */
function activeUntil(view, windows) {
    switch (view.kind) {
        case 'FLOW_RUN':
            return view.status === 'RUNNING' || view.status === 'PAUSED' || view.status === 'PENDING' ? exports.FOREVER : null;
        case 'BACKGROUND_TASK':
            return ['RUNNING', 'QUEUED', 'PROVISIONING', 'WAITING'].includes(view.status) ? exports.FOREVER : null;
        case 'CHAT':
            if ((0, session_status_1.isTerminal)(view.status) || view.lastMessageAt === null)
                return null;
            return plusSeconds(view.lastMessageAt, windows.chatActiveSeconds);
        case 'RUNTIME':
            if ((0, session_status_1.isTerminal)(view.status))
                return null;
            return plusSeconds(view.lastActivityAt, view.idleTimeoutSeconds ?? 0);
        default: {
            const _never = view.kind;
            return _never;
        }
    }
}
function isActive(until, now) {
    return until !== null && until > now;
}
/** Recent: not active, and the last activity within the recent window. */
function isRecent(view, active, now, windows) {
    return !active && plusSeconds(view.lastActivityAt, windows.recentSeconds) > now;
}
function sessionStatusGroup(view, active) {
    return (0, session_status_1.statusGroup)(view.status, active);
}
function count(n, singular, plural) {
    return `${n} ${n === 1 ? singular : plural}`;
}
function progressOf(view) {
    switch (view.kind) {
        case 'FLOW_RUN': {
            const total = view.stepTotal ?? view.totalSteps;
            const label = total === null ? `Step ${view.stepIndex}` : `Step ${view.stepIndex} of ${total}`;
            return { current: view.stepIndex, total, unit: 'steps', label };
        }
        case 'BACKGROUND_TASK':
            return { current: view.runCount, total: null, unit: 'turns', label: count(view.runCount, 'turn', 'turns') };
        case 'CHAT':
            return { current: view.messageCount, total: null, unit: 'messages', label: count(view.messageCount, 'message', 'messages') };
        case 'RUNTIME':
            return { current: view.commandCount, total: null, unit: 'commands', label: count(view.commandCount, 'command', 'commands') };
        default: {
            const _never = view.kind;
            return _never;
        }
    }
}
//# sourceMappingURL=session.views.js.map
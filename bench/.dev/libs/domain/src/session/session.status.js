"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RUN_FINISH_STATUSES = exports.RUN_STATUSES = exports.END_STATUSES = exports.SESSION_STATUSES = exports.TERMINAL_STATUSES = exports.NON_TERMINAL_STATUSES = exports.SESSION_KINDS = void 0;
exports.isTerminal = isTerminal;
exports.isRunFinished = isRunFinished;
exports.canTransition = canTransition;
exports.defaultStatusFor = defaultStatusFor;
exports.statusGroup = statusGroup;
exports.SESSION_KINDS = ['CHAT', 'FLOW_RUN', 'BACKGROUND_TASK', 'RUNTIME'];
exports.NON_TERMINAL_STATUSES = ['PENDING', 'QUEUED', 'PROVISIONING', 'RUNNING', 'WAITING', 'PAUSED', 'BLOCKED', 'OPEN'];
exports.TERMINAL_STATUSES = ['COMPLETED', 'FAILED', 'REJECTED', 'CANCELLED', 'ENDED', 'TIMED_OUT'];
exports.SESSION_STATUSES = [...exports.NON_TERMINAL_STATUSES, ...exports.TERMINAL_STATUSES];
/** The statuses an owner or operator may end a session with; REJECTED and TIMED_OUT come from the system. */
exports.END_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED', 'ENDED'];
exports.RUN_STATUSES = ['QUEUED', 'RUNNING', 'WAITING', 'COMPLETED', 'FAILED', 'CANCELLED'];
exports.RUN_FINISH_STATUSES = ['COMPLETED', 'FAILED', 'CANCELLED'];
function isTerminal(status) {
    return exports.TERMINAL_STATUSES.includes(status);
}
function isRunFinished(status) {
    return status === 'COMPLETED' || status === 'FAILED' || status === 'CANCELLED';
}
/** The whole status machine: from a non-terminal status, anything; from a terminal one, nothing. */
function canTransition(from, _to) {
    return !isTerminal(from);
}
function defaultStatusFor(kind) {
    switch (kind) {
        case 'FLOW_RUN':
            return 'PENDING';
        case 'BACKGROUND_TASK':
            return 'QUEUED';
        case 'CHAT':
        case 'RUNTIME':
            return 'OPEN';
        default: {
            const _never = kind;
            return _never;
        }
    }
}
/** How a row reads at a glance; `active` is the read-time Active rule. */
function statusGroup(status, active) {
    switch (status) {
        case 'PENDING':
        case 'QUEUED':
        case 'PROVISIONING':
        case 'RUNNING':
            return 'ACTIVE';
        case 'OPEN':
            return active ? 'ACTIVE' : 'IDLE';
        case 'WAITING':
        case 'PAUSED':
        case 'BLOCKED':
            return 'ATTENTION';
        case 'COMPLETED':
        case 'ENDED':
        case 'CANCELLED':
            return 'SUCCESS';
        case 'FAILED':
        case 'REJECTED':
        case 'TIMED_OUT':
            return 'PROBLEM';
        default: {
            const _never = status;
            return _never;
        }
    }
}
//# sourceMappingURL=session.status.js.map
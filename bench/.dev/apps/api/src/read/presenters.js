"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.presentSession = presentSession;
exports.presentUsage = presentUsage;
exports.presentRun = presentRun;
exports.presentToolCall = presentToolCall;
const domain_1 = require("../../../../libs/domain/src/index.js");
function presentSession(view, now, windows) {
    const until = view.activeUntil !== undefined ? view.activeUntil : (0, domain_1.activeUntil)(view, windows);
    const active = (0, domain_1.isActive)(until, now);
    return {
        id: view.id,
        organizationId: view.organizationId,
        accountId: view.accountId,
        kind: view.kind,
        status: view.status,
        statusGroup: (0, domain_1.statusGroup)(view.status, active),
        active,
        title: view.title,
        tags: view.tags,
        owner: view.owner,
        source: view.source,
        initiative: view.initiative,
        flowId: view.flowId,
        model: view.model,
        parentSessionId: view.parentSessionId,
        subagent: view.subagent,
        environment: view.environment,
        totalSteps: view.totalSteps,
        progress: (0, domain_1.progressOf)(view),
        preview: view.preview,
        outputPreview: view.outputPreview,
        lastError: view.lastError,
        usage: view.usage,
        createdAt: view.createdAt,
        lastActivityAt: view.lastActivityAt,
        endedAt: view.endedAt,
        endedBy: view.endedBy,
        endReason: view.endReason,
        idleTimeoutSeconds: view.idleTimeoutSeconds,
        metadata: view.metadata,
        sequence: view.sequence,
    };
}
/**
 * Usage summed by $inc or $sum adds binary fractions (0.1 + 0.2 = 0.30000000000000004); costs are
 * kept to micro-dollars, as the session's own usage is.
 */
function presentUsage(usage) {
    const value = usage ?? domain_1.ZERO_USAGE;
    return { ...value, costUsd: (0, domain_1.roundUsd)(value.costUsd) };
}
function presentRun(document) {
    return {
        id: document.runId,
        sessionId: document.sessionId,
        organizationId: document.organizationId,
        status: document.status,
        model: document.model,
        input: document.input,
        output: document.output,
        error: document.error,
        usage: presentUsage(document.usage),
        eventCount: document.eventCount,
        startedAt: document.startedAt,
        finishedAt: document.finishedAt,
    };
}
function presentToolCall(document) {
    return {
        id: document.toolCallId,
        runId: document.runId,
        name: document.name,
        status: document.status,
        arguments: document.arguments,
        outputPreview: document.outputPreview,
        startedAt: document.startedAt,
        finishedAt: document.finishedAt,
        durationMs: document.durationMs,
    };
}
//# sourceMappingURL=presenters.js.map
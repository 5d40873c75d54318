"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ZERO_USAGE = void 0;
exports.priceModelUsage = priceModelUsage;
exports.roundUsd = roundUsd;
exports.usageOf = usageOf;
exports.addUsage = addUsage;
exports.usageOfRecorded = usageOfRecorded;
exports.ZERO_USAGE = Object.freeze({
    requests: 0,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    reasoningTokens: 0,
    totalTokens: 0,
    costUsd: 0,
    unpricedRequests: 0,
});
/** The reporter's costUsd when given, else the price table, else unpriced (0, and counted). */
function priceModelUsage(usage, prices) {
    if (typeof usage.costUsd === 'number')
        return { costUsd: usage.costUsd, source: 'reported' };
    const price = prices[usage.model];
    if (!price)
        return { costUsd: 0, source: 'unpriced' };
    const cost = (usage.inputTokens * price.inputPerMTok +
        usage.outputTokens * price.outputPerMTok +
        (usage.cacheReadTokens ?? 0) * (price.cacheReadPerMTok ?? price.inputPerMTok) +
        (usage.cacheWriteTokens ?? 0) * (price.cacheWritePerMTok ?? price.inputPerMTok)) /
        1_000_000;
    return { costUsd: roundUsd(cost), source: 'price-table' };
}
/** Micro-dollar precision keeps sums of many small costs stable across replays. */
function roundUsd(value) {
    return Math.round(value * 1e6) / 1e6;
}
/**
 * One request's contribution. totalTokens counts input, output and cache tokens; reasoning
 * tokens are reported as a breakdown of output tokens, so they are not added again.
 */
function usageOf(data, pricing) {
    const cacheReadTokens = data.cacheReadTokens ?? 0;
    const cacheWriteTokens = data.cacheWriteTokens ?? 0;
    return {
        requests: 1,
        inputTokens: data.inputTokens,
        outputTokens: data.outputTokens,
        cacheReadTokens,
        cacheWriteTokens,
        reasoningTokens: data.reasoningTokens ?? 0,
        totalTokens: data.inputTokens + data.outputTokens + cacheReadTokens + cacheWriteTokens,
        costUsd: pricing.costUsd,
        unpricedRequests: pricing.source === 'unpriced' ? 1 : 0,
    };
}
function addUsage(a, b) {
    return {
        requests: a.requests + b.requests,
        inputTokens: a.inputTokens + b.inputTokens,
        outputTokens: a.outputTokens + b.outputTokens,
        cacheReadTokens: a.cacheReadTokens + b.cacheReadTokens,
        cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
        reasoningTokens: a.reasoningTokens + b.reasoningTokens,
        totalTokens: a.totalTokens + b.totalTokens,
        costUsd: roundUsd(a.costUsd + b.costUsd),
        unpricedRequests: a.unpricedRequests + b.unpricedRequests,
    };
}
/**
 * The usage one recorded MODEL_USAGE event adds: priced as fixed at ingest, or for an event stored
 * without a price, from the reporter's own costUsd (else unpriced).
 */
function usageOfRecorded(recorded) {
    const data = recorded.data;
    const pricing = recorded.pricing ?? (typeof data.costUsd === 'number' ? { costUsd: data.costUsd, source: 'reported' } : { costUsd: 0, source: 'unpriced' });
    return usageOf(data, pricing);
}
//# sourceMappingURL=usage.js.map
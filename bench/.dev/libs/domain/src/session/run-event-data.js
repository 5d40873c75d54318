"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RUN_EVENT_TYPES = void 0;
exports.isRunEventType = isRunEventType;
exports.validateRunEventData = validateRunEventData;
const session_status_1 = require("./session.status");
exports.RUN_EVENT_TYPES = [
    'MESSAGE',
    'REASONING_SUMMARY',
    'OUTPUT_DELTA',
    'TOOL_CALL',
    'TOOL_RESULT',
    'FILE_EDIT',
    'COMMAND',
    'STEP',
    'CHECKPOINT',
    'MODEL_USAGE',
    'STATUS',
    'ERROR',
    'LOG',
];
function isRunEventType(value) {
    return exports.RUN_EVENT_TYPES.includes(value);
}
const str = (required = true, oneOf) => ({ kind: 'string', required, oneOf });
const int = (required = true) => ({ kind: 'number', required, integer: true, min: 0 });
const num = (required = true) => ({ kind: 'number', required, min: 0 });
const anyValue = (required = true) => ({ kind: 'any', required });
const optional = false;
/** The `data` shape of each run event type (DESIGN.md). Unknown fields are kept. */
const SHAPES = {
    MESSAGE: { role: str(true, ['user', 'assistant', 'system', 'tool']), text: str() },
    REASONING_SUMMARY: { text: str() },
    OUTPUT_DELTA: { text: str() },
    TOOL_CALL: { toolCallId: str(), name: str(), arguments: anyValue() },
    TOOL_RESULT: {
        toolCallId: str(),
        status: str(true, ['succeeded', 'failed']),
        output: anyValue(optional),
        durationMs: num(optional),
    },
    FILE_EDIT: { path: str(), before: str(optional), after: str(optional) },
    COMMAND: {
        command: str(),
        language: str(optional),
        exitCode: { kind: 'number', required: false, integer: true },
        durationMs: num(optional),
        stdout: str(optional),
        stderr: str(optional),
    },
    STEP: { index: int(), total: int(optional), name: str(optional) },
    CHECKPOINT: { name: str(), reason: str(optional) },
    MODEL_USAGE: {
        model: str(),
        inputTokens: int(),
        outputTokens: int(),
        cacheReadTokens: int(optional),
        cacheWriteTokens: int(optional),
        reasoningTokens: int(optional),
        costUsd: num(optional),
        latencyMs: num(optional),
        requestId: str(optional),
    },
    STATUS: { status: str(true, session_status_1.SESSION_STATUSES) },
    ERROR: { code: str(), message: str() },
    LOG: { level: str(optional), message: str() },
};
function describeValue(value) {
    if (value === null)
        return 'null';
    if (Array.isArray(value))
        return 'an array';
    return typeof value === 'string' ? 'a string' : `a ${typeof value}`;
}
/** Problems with one event's `data`, each naming the field under `path` (e.g. `events[3].data.role`). */
function validateRunEventData(type, data, path) {
    if (data === null || typeof data !== 'object' || Array.isArray(data)) {
        return [{ field: path, message: `must be an object for ${type}, got ${describeValue(data)}` }];
    }
    const record = data;
    const problems = [];
    for (const [name, rule] of Object.entries(SHAPES[type])) {
        const value = record[name];
        const field = `${path}.${name}`;
        if (value === undefined || (value === null && rule.kind !== 'any')) {
            if (rule.required)
                problems.push({ field, message: `is required for ${type}` });
            continue;
        }
        switch (rule.kind) {
            case 'string':
                if (typeof value !== 'string') {
                    problems.push({ field, message: `must be a string, got ${describeValue(value)}` });
                }
                else if (rule.oneOf && !rule.oneOf.includes(value)) {
                    problems.push({ field, message: `must be one of ${rule.oneOf.join(', ')}` });
                }
                break;
            case 'number':
                if (typeof value !== 'number' || !Number.isFinite(value)) {
                    problems.push({ field, message: `must be a number, got ${describeValue(value)}` });
                }
                else if (rule.integer && !Number.isInteger(value)) {
                    problems.push({ field, message: `must be a whole number, got ${value}` });
                }
                else if (rule.min !== undefined && value < rule.min) {
                    problems.push({ field, message: `must be at least ${rule.min}, got ${value}` });
                }
                break;
            case 'any':
                break;
            default: {
                const _never = rule;
                return _never;
            }
        }
    }
    if (type === 'STEP' && typeof record.total === 'number' && typeof record.index === 'number' && record.index > record.total) {
        problems.push({ field: `${path}.index`, message: `must not exceed total (${record.total}), got ${record.index}` });
    }
    return problems;
}
//# sourceMappingURL=run-event-data.js.map
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.compileMatcher = compileMatcher;
exports.hasFastPath = hasFastPath;
const mingo_1 = require("mingo");
const values_1 = require("./values");
const NO = 0;
const YES = 1;
const ASK_MINGO = 2;
function compileMatcher(filter) {
    if (Object.keys(filter).length === 0)
        return () => true;
    const fast = compileFilter(filter);
    let query;
    const full = (doc) => (query ??= new mingo_1.Query(filter)).test(doc);
    if (fast === null)
        return full;
    return (doc) => {
        const verdict = fast(doc);
        return verdict === ASK_MINGO ? full(doc) : verdict === YES;
    };
}
/** True when the filter is evaluated without mingo for documents without arrays (for tests). */
function hasFastPath(filter) {
    return compileFilter(filter) !== null;
}
function isScalarOperand(value) {
    switch (typeof value) {
        case 'string':
        case 'boolean':
            return true;
        case 'number':
            return !Number.isNaN(value);
        case 'object':
            return value === null || (value instanceof Date && !Number.isNaN(value.getTime()));
        default:
            return false;
    }
}
function compileFilter(filter) {
    const predicates = [];
    for (const key of Object.keys(filter)) {
        const condition = filter[key];
        if (key === '$and' || key === '$or') {
            if (!Array.isArray(condition) || condition.length === 0)
                return null;
            const parts = [];
            for (const branch of condition) {
                const compiled = (0, values_1.isPlainObject)(branch) ? compileFilter(branch) : null;
                if (compiled === null)
                    return null;
                parts.push(compiled);
            }
            predicates.push(key === '$and' ? all(parts) : any(parts));
            continue;
        }
        if (key.startsWith('$') || key === '')
            return null;
        const predicate = compileField((0, values_1.splitPath)(key), condition);
        if (predicate === null)
            return null;
        predicates.push(predicate);
    }
    return all(predicates);
}
function all(predicates) {
    if (predicates.length === 1)
        return predicates[0];
    return (doc) => {
        let verdict = YES;
        for (let i = 0; i < predicates.length; i++) {
            const v = predicates[i](doc);
            if (v === NO)
                return NO;
            if (v === ASK_MINGO)
                verdict = ASK_MINGO;
        }
        return verdict;
    };
}
function any(predicates) {
    return (doc) => {
        let verdict = NO;
        for (let i = 0; i < predicates.length; i++) {
            const v = predicates[i](doc);
            if (v === YES)
                return YES;
            if (v === ASK_MINGO)
                verdict = ASK_MINGO;
        }
        return verdict;
    };
}
function not(predicate) {
    return (doc) => {
        const v = predicate(doc);
        return v === ASK_MINGO ? ASK_MINGO : v === YES ? NO : YES;
    };
}
function compileField(parts, condition) {
    if (condition === undefined)
        return equals(parts, null);
    if (isScalarOperand(condition))
        return equals(parts, condition);
    if (!(0, values_1.isPlainObject)(condition))
        return null;
    const operators = Object.keys(condition);
    if (operators.length === 0 || !operators.every((op) => op.startsWith('$')))
        return null;
    const predicates = [];
    for (const op of operators) {
        const operand = condition[op];
        let predicate = null;
        switch (op) {
            case '$eq':
                predicate = isScalarOperand(operand) ? equals(parts, operand) : null;
                break;
            case '$ne':
                predicate = isScalarOperand(operand) ? not(equals(parts, operand)) : null;
                break;
            case '$gt':
            case '$gte':
            case '$lt':
            case '$lte':
                predicate = isScalarOperand(operand) ? range(parts, op, operand) : null;
                break;
            case '$in':
                predicate = Array.isArray(operand) && operand.every(isScalarOperand) ? within(parts, operand) : null;
                break;
            case '$nin':
                predicate = Array.isArray(operand) && operand.every(isScalarOperand) ? not(within(parts, operand)) : null;
                break;
            case '$exists':
                predicate = exists(parts, Boolean(operand));
                break;
            default:
                return null;
        }
        if (predicate === null)
            return null;
        predicates.push(predicate);
    }
    return all(predicates);
}
function sameScalar(a, b) {
    if (b === null)
        return a === null || a === undefined;
    if (b instanceof Date)
        return a instanceof Date && a.getTime() === b.getTime();
    return a === b;
}
function equals(parts, operand) {
    return (doc) => {
        const value = (0, values_1.getPath)(doc, parts);
        if (value === values_1.THROUGH_ARRAY || Array.isArray(value))
            return ASK_MINGO;
        return sameScalar(value, operand) ? YES : NO;
    };
}
function within(parts, operands) {
    const hasNull = operands.includes(null);
    return (doc) => {
        const value = (0, values_1.getPath)(doc, parts);
        if (value === values_1.THROUGH_ARRAY || Array.isArray(value))
            return ASK_MINGO;
        if (value === null || value === undefined)
            return hasNull ? YES : NO;
        for (let i = 0; i < operands.length; i++)
            if (sameScalar(value, operands[i]))
                return YES;
        return NO;
    };
}
/** mingo (like MongoDB) compares only values of the operand's own type. */
function range(parts, op, operand) {
    const accept = (c) => (op === '$gt' ? c > 0 : op === '$gte' ? c >= 0 : op === '$lt' ? c < 0 : c <= 0);
    const compare = comparatorFor(operand);
    return (doc) => {
        const value = (0, values_1.getPath)(doc, parts);
        if (value === values_1.THROUGH_ARRAY || Array.isArray(value))
            return ASK_MINGO;
        const c = compare(value);
        return c !== null && accept(c) ? YES : NO;
    };
}
function comparatorFor(operand) {
    if (operand === null)
        return (value) => (value === null ? 0 : null);
    if (operand instanceof Date) {
        const t = operand.getTime();
        return (value) => (value instanceof Date ? simple(value.getTime(), t) : null);
    }
    const type = typeof operand;
    return (value) => (typeof value === type ? simple(value, operand) : null);
}
function simple(a, b) {
    return a < b ? -1 : a > b ? 1 : 0;
}
function exists(parts, wanted) {
    return (doc) => {
        const value = (0, values_1.getPath)(doc, parts);
        if (value === values_1.THROUGH_ARRAY)
            return ASK_MINGO;
        return (value !== undefined) === wanted ? YES : NO;
    };
}
//# sourceMappingURL=matcher.js.map
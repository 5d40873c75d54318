"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.encodeValue = encodeValue;
exports.decodeValue = decodeValue;
const errors_1 = require("../errors");
const values_1 = require("./values");
/**
 * JSON for stored values, round-tripping what JSON alone cannot, in MongoDB Extended JSON's
 * spelling: Dates as {$date}, non-finite numbers as {$numberDouble}, regular expressions as
 * {$regularExpression}. A stored document whose own field names start with "$" is wrapped in
 * {$literal} so it can never be read back as one of these.
 */
function encodeValue(value) {
    if (value === null || typeof value === 'string' || typeof value === 'boolean')
        return value;
    if (typeof value === 'number')
        return Number.isFinite(value) ? value : { $numberDouble: String(value) };
    if (value instanceof Date)
        return { $date: value.toISOString() };
    if (value instanceof RegExp)
        return { $regularExpression: { pattern: value.source, options: value.flags } };
    if (Array.isArray(value))
        return value.map(encodeValue);
    if ((0, values_1.isPlainObject)(value)) {
        const out = {};
        let dollar = false;
        for (const key in value) {
            if (key.startsWith('$'))
                dollar = true;
            out[key] = encodeValue(value[key]);
        }
        return dollar ? { $literal: out } : out;
    }
    if (value === undefined)
        return null;
    throw new errors_1.ReadStoreError(`cannot write a value of type ${value?.constructor?.name ?? typeof value} to a snapshot`);
}
function decodeValue(value) {
    if (value === null || typeof value !== 'object')
        return value;
    if (Array.isArray(value))
        return value.map(decodeValue);
    const record = value;
    const keys = Object.keys(record);
    if (keys.length === 1) {
        switch (keys[0]) {
            case '$date': {
                const date = new Date(String(record.$date));
                if (Number.isNaN(date.getTime()))
                    throw new errors_1.ReadStoreError(`invalid date in snapshot: ${String(record.$date)}`);
                return date;
            }
            case '$numberDouble':
                return Number(record.$numberDouble);
            case '$regularExpression': {
                const re = record.$regularExpression;
                return new RegExp(re.pattern, re.options);
            }
            case '$literal':
                return decodeObject(record.$literal);
        }
    }
    return decodeObject(record);
}
function decodeObject(record) {
    const out = {};
    for (const key of Object.keys(record))
        out[key] = decodeValue(record[key]);
    return out;
}
//# sourceMappingURL=snapshot-codec.js.map
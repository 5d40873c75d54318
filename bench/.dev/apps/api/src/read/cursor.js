"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.encodeCursor = encodeCursor;
exports.decodeCursor = decodeCursor;
exports.requirePageSize = requirePageSize;
const domain_1 = require("../../../../libs/domain/src/index.js");
/** Opaque cursors: base64url JSON, validated on the way back in. */
function encodeCursor(value) {
    return Buffer.from(JSON.stringify(value)).toString('base64url');
}
function decodeCursor(cursor, check) {
    if (cursor === null || cursor === undefined || cursor === '')
        return null;
    try {
        const value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
        if (value && typeof value === 'object' && check(value))
            return value;
    }
    catch {
        // Falls through to the refusal below.
    }
    throw domain_1.BadUserInputError.field('after', 'is not a cursor this server issued; pass an endCursor from a previous page');
}
function requirePageSize(first, max, fallback) {
    const size = first ?? fallback;
    if (!Number.isInteger(size) || size < 0 || size > max)
        throw domain_1.BadUserInputError.field('first', `must be between 0 and ${max}, got ${size}`);
    return size;
}
//# sourceMappingURL=cursor.js.map
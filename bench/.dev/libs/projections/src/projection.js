"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.usageIncrement = usageIncrement;
exports.positionKey = positionKey;
/** `$inc` of every usage field, under `usage.` */
function usageIncrement(usage) {
    return Object.fromEntries(Object.entries(usage).map(([key, value]) => [`usage.${key}`, value]));
}
/** A sortable text form of a position: comparing two keys compares the positions. */
function positionKey(position) {
    return `${String(position.commit).padStart(20, '0')}:${String(position.prepare).padStart(20, '0')}`;
}
//# sourceMappingURL=projection.js.map
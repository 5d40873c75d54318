"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.csvField = csvField;
exports.csvLine = csvLine;
exports.csvDocument = csvDocument;
/**
 * One CSV field (RFC 4180): quoted when it holds a comma, a quote, a line break or leading or
 * trailing space, with inner quotes doubled. null and undefined are empty fields.
 */
function csvField(value) {
    if (value === null || value === undefined)
        return '';
    const text = typeof value === 'number' ? numberText(value) : String(value);
    return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
/** Numbers as JavaScript prints them (shortest exact form), never in exponent notation. */
function numberText(value) {
    if (!Number.isFinite(value))
        return '';
    const text = String(value);
    if (!/e/i.test(text))
        return text;
    return Math.abs(value) >= 1 ? BigInt(Math.round(value)).toString() : value.toFixed(20).replace(/0+$/, '');
}
function csvLine(values) {
    return values.map(csvField).join(',');
}
/** A header line and one line per row, each ending in a newline. */
function csvDocument(header, rows) {
    return [header, ...rows].map((row) => `${csvLine(row)}\n`).join('');
}
//# sourceMappingURL=csv.js.map
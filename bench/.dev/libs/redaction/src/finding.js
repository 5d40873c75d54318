"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.RedactionError = void 0;
/** Thrown when the scan itself fails. Its message never quotes the scanned text. */
class RedactionError extends Error {
    constructor(message) {
        super(message);
        this.name = 'RedactionError';
    }
}
exports.RedactionError = RedactionError;
//# sourceMappingURL=finding.js.map
"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.UnavailableError = exports.RateLimitedError = exports.ForbiddenError = exports.UnauthenticatedError = exports.PayloadTooLargeError = exports.SessionEndedError = exports.ConflictError = exports.NotFoundError = exports.BadUserInputError = exports.LedgerError = void 0;
class LedgerError extends Error {
    /** Extra `extensions` entries for the client. */
    details;
    constructor(message, details = {}) {
        super(message);
        this.name = new.target.name;
        this.details = details;
    }
}
exports.LedgerError = LedgerError;
class BadUserInputError extends LedgerError {
    fields;
    code = 'BAD_USER_INPUT';
    constructor(message, fields = []) {
        super(message, { fields });
        this.fields = fields;
    }
    static field(field, message) {
        return new BadUserInputError(`${field}: ${message}`, [{ field, message }]);
    }
}
exports.BadUserInputError = BadUserInputError;
class NotFoundError extends LedgerError {
    code = 'NOT_FOUND';
}
exports.NotFoundError = NotFoundError;
class ConflictError extends LedgerError {
    code = 'CONFLICT';
    constructor(message, current) {
        super(message, current === undefined ? {} : { current });
    }
}
exports.ConflictError = ConflictError;
class SessionEndedError extends LedgerError {
    code = 'SESSION_ENDED';
    constructor(sessionId, status) {
        super(`session ${sessionId} has ended (${status}); nothing more can be appended`, { current: status });
    }
}
exports.SessionEndedError = SessionEndedError;
class PayloadTooLargeError extends LedgerError {
    code = 'PAYLOAD_TOO_LARGE';
}
exports.PayloadTooLargeError = PayloadTooLargeError;
class UnauthenticatedError extends LedgerError {
    code = 'UNAUTHENTICATED';
}
exports.UnauthenticatedError = UnauthenticatedError;
class ForbiddenError extends LedgerError {
    code = 'FORBIDDEN';
}
exports.ForbiddenError = ForbiddenError;
class RateLimitedError extends LedgerError {
    code = 'RATE_LIMITED';
    constructor(message, retryAfterMs) {
        super(message, { retryAfterMs });
    }
}
exports.RateLimitedError = RateLimitedError;
class UnavailableError extends LedgerError {
    code = 'UNAVAILABLE';
}
exports.UnavailableError = UnavailableError;
//# sourceMappingURL=errors.js.map
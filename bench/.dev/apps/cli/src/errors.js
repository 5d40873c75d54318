"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.CommandFailed = exports.UnexpectedResponseError = exports.ServerUnreachableError = exports.ApiError = exports.UsageError = exports.EXIT = void 0;
exports.describeError = describeError;
/** Exit codes of every command, as listed in `agent-ledger --help`. */
exports.EXIT = {
    ok: 0,
    failed: 1,
    usage: 2,
    verifyMismatch: 3,
};
/** The command line itself is wrong: a bad option value, a missing key. Exit 2. */
class UsageError extends Error {
    name = 'UsageError';
}
exports.UsageError = UsageError;
/** The server answered with a GraphQL error; `code` is its extensions.code. Exit 1. */
class ApiError extends Error {
    code;
    extensions;
    name = 'ApiError';
    constructor(code, message, extensions = {}) {
        super(message);
        this.code = code;
        this.extensions = extensions;
    }
}
exports.ApiError = ApiError;
/** Nothing answered at the URL (connection refused, DNS, timeout). Exit 1. */
class ServerUnreachableError extends Error {
    url;
    reason;
    name = 'ServerUnreachableError';
    constructor(url, reason) {
        super(`the server at ${url} is not reachable (${reason})`);
        this.url = url;
        this.reason = reason;
    }
}
exports.ServerUnreachableError = ServerUnreachableError;
/** Something answered at the URL, but not a GraphQL response. Exit 1. */
class UnexpectedResponseError extends Error {
    name = 'UnexpectedResponseError';
}
exports.UnexpectedResponseError = UnexpectedResponseError;
/** A command that ran and found a problem it has already reported (for example FAILED). */
class CommandFailed extends Error {
    exitCode;
    name = 'CommandFailed';
    constructor(message, exitCode = exports.EXIT.failed) {
        super(message);
        this.exitCode = exitCode;
    }
}
exports.CommandFailed = CommandFailed;
const START_HINT = 'start one with `npm start` in the agent-ledger checkout (the embedded default serves http://localhost:4000/graphql), ' +
    'or point --url / LEDGER_URL at a running server';
/** What the user reads on stderr for an error, and the exit code that goes with it. */
function describeError(error) {
    if (error instanceof UsageError)
        return { lines: [`error: ${error.message}`], exitCode: exports.EXIT.usage };
    if (error instanceof ApiError) {
        const lines = [`error: ${error.code}: ${error.message}`];
        if (error.code === 'UNAUTHENTICATED')
            lines.push('hint: check --key / LEDGER_API_KEY (the embedded default writes its dev key to ./data/dev-api-key.json)');
        if (error.code === 'FORBIDDEN')
            lines.push('hint: this command needs a key with a stronger role (ADMIN for rebuild, verify and seed-demo)');
        return { lines, exitCode: exports.EXIT.failed };
    }
    if (error instanceof ServerUnreachableError)
        return { lines: [`error: ${error.message}`, `hint: ${START_HINT}`], exitCode: exports.EXIT.failed };
    if (error instanceof UnexpectedResponseError)
        return { lines: [`error: ${error.message}`], exitCode: exports.EXIT.failed };
    if (error instanceof CommandFailed)
        return { lines: [`error: ${error.message}`], exitCode: error.exitCode };
    const message = error instanceof Error ? error.message : String(error);
    return { lines: [`error: ${message}`], exitCode: exports.EXIT.failed };
}
//# sourceMappingURL=errors.js.map
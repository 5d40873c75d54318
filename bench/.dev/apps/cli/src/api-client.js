"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.LedgerClient = void 0;
exports.subscriptionEnd = subscriptionEnd;
const graphql_ws_1 = require("graphql-ws");
const ws_1 = __importDefault(require("ws"));
const errors_1 = require("./errors");
const MAX_RETRIES = 5;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
function toApiError(error) {
    const { code, ...rest } = error.extensions ?? {};
    return new errors_1.ApiError(typeof code === 'string' ? code : 'INTERNAL', error.message, rest);
}
function networkReason(error) {
    const cause = error.cause;
    if (cause?.code)
        return cause.code;
    if (cause?.message)
        return cause.message;
    return error instanceof Error ? error.message : String(error);
}
/**
 * The CLI's only way to the ledger: GraphQL over HTTP with `fetch`, and subscriptions over
 * graphql-ws. Errors become the CLI's own classes (ApiError with the contract's code,
 * ServerUnreachableError, UnexpectedResponseError).
 */
class LedgerClient {
    url;
    key;
    constructor(url, key) {
        this.url = url;
        this.key = key;
    }
    async request(query, variables = {}, options = {}) {
        for (let attempt = 1;; attempt += 1) {
            try {
                return await this.once(query, variables);
            }
            catch (error) {
                if (!options.retry || attempt >= MAX_RETRIES || !(error instanceof errors_1.ApiError))
                    throw error;
                if (error.code === 'RATE_LIMITED') {
                    const wait = Number(error.extensions.retryAfterMs);
                    await sleep(Number.isFinite(wait) && wait > 0 ? Math.min(wait, 30_000) : 500 * attempt);
                }
                else if (error.code === 'UNAVAILABLE') {
                    await sleep(250 * 2 ** attempt);
                }
                else {
                    throw error;
                }
            }
        }
    }
    async once(query, variables) {
        let response;
        try {
            response = await fetch(this.url, {
                method: 'POST',
                headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${this.key}` },
                body: JSON.stringify({ query, variables }),
            });
        }
        catch (error) {
            throw new errors_1.ServerUnreachableError(this.url, networkReason(error));
        }
        const text = await response.text();
        let body;
        try {
            body = JSON.parse(text);
        }
        catch {
            throw new errors_1.UnexpectedResponseError(`${this.url} answered HTTP ${response.status} with something that is not a GraphQL response; is it the ledger's /graphql endpoint?`);
        }
        if (body.errors?.length)
            throw toApiError(body.errors[0]);
        if (body.data === undefined || body.data === null) {
            throw new errors_1.UnexpectedResponseError(`${this.url} answered HTTP ${response.status} with neither data nor errors`);
        }
        return body.data;
    }
    /**
     * One subscription on its own graphql-ws connection (subprotocol graphql-transport-ws, key in
     * connection_init). It does not reconnect by itself: the caller decides how to resume (for
     * the timeline, from the last sequence it saw), so nothing is replayed from stale variables.
     * Returns a function that stops it.
     */
    subscribe(query, variables, sink) {
        let ended = false;
        const finish = (how) => {
            if (ended)
                return;
            ended = true;
            sink.end(how);
            void client.dispose();
        };
        const client = (0, graphql_ws_1.createClient)({
            url: this.url.replace(/^http/, 'ws'),
            webSocketImpl: ws_1.default,
            connectionParams: { authorization: `Bearer ${this.key}` },
            retryAttempts: 0,
            lazy: true,
            keepAlive: 10_000,
            on: { connected: () => sink.connected?.() },
        });
        client.subscribe({ query, variables }, {
            next: (result) => {
                if (ended)
                    return;
                if (result.errors?.length)
                    finish({ kind: 'errors', errors: result.errors.map((e) => toApiError(e)) });
                else if (result.data)
                    sink.next(result.data);
            },
            error: (error) => finish(subscriptionEnd(error)),
            complete: () => finish({ kind: 'completed' }),
        });
        return () => {
            ended = true;
            void client.dispose();
        };
    }
}
exports.LedgerClient = LedgerClient;
/** graphql-ws reports a list of GraphQL errors, a CloseEvent, or some other connection error. */
function subscriptionEnd(error) {
    if (Array.isArray(error))
        return { kind: 'errors', errors: error.map((e) => toApiError(e)) };
    if (error && typeof error === 'object' && 'code' in error && typeof error.code === 'number') {
        const close = error;
        return { kind: 'closed', code: close.code, reason: typeof close.reason === 'string' ? close.reason : '' };
    }
    if (error instanceof Error)
        return { kind: 'failed', message: error.message };
    const message = error?.message;
    return { kind: 'failed', message: typeof message === 'string' && message ? message : 'connection error' };
}
//# sourceMappingURL=api-client.js.map
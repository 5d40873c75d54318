"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var __metadata = (this && this.__metadata) || function (k, v) {
    if (typeof Reflect === "object" && typeof Reflect.metadata === "function") return Reflect.metadata(k, v);
};
var __param = (this && this.__param) || function (paramIndex, decorator) {
    return function (target, key) { decorator(target, key, paramIndex); }
};
Object.defineProperty(exports, "__esModule", { value: true });
exports.CommandFactory = void 0;
const common_1 = require("@nestjs/common");
const node_crypto_1 = require("node:crypto");
const domain_1 = require("../../../../libs/domain/src/index.js");
const clock_1 = require("../clock");
const ledger_config_1 = require("../config/ledger-config");
const inputs_1 = require("./inputs");
/** How far ahead of the server's clock a reported `at` may be, for clock skew between hosts. */
const MAX_CLOCK_SKEW_MS = 5 * 60 * 1000;
/**
 * Turns validated GraphQL inputs into domain commands: the time from the clock, fresh ids from
 * the random source, or ids derived from the client's own (source, idempotencyKey, runId, event
 * ids) so that a retried call decides and stores nothing twice.
 */
let CommandFactory = class CommandFactory {
    clock;
    config;
    constructor(clock, config) {
        this.clock = clock;
        this.config = config;
    }
    startSession(actor, raw) {
        const input = (0, inputs_1.validateInput)(inputs_1.StartSessionInput, raw);
        const sessionId = input.source
            ? (0, domain_1.sessionIdFromSource)(actor.organizationId, input.source.type, input.source.id)
            : input.idempotencyKey
                ? (0, domain_1.sessionIdFromIdempotencyKey)(actor.organizationId, input.idempotencyKey)
                : `session_${(0, node_crypto_1.randomBytes)(16).toString('hex')}`;
        return {
            type: 'StartSession',
            sessionId,
            actor,
            at: this.clock().toISOString(),
            eventId: (0, domain_1.deterministicUuid)(sessionId, 'SessionStarted'),
            kind: input.kind,
            accountId: input.accountId,
            title: input.title,
            tags: input.tags,
            owner: input.owner ?? null,
            source: input.source,
            idempotencyKey: input.idempotencyKey,
            initiative: input.initiative,
            flowId: input.flowId,
            model: input.model,
            parentSessionId: input.parentSessionId,
            subagent: input.subagent,
            environment: input.environment,
            totalSteps: input.totalSteps,
            idleTimeoutSeconds: input.idleTimeoutSeconds,
            status: input.status,
            metadata: input.metadata,
        };
    }
    updateSession(actor, raw) {
        const input = (0, inputs_1.validateInput)(inputs_1.UpdateSessionInput, raw);
        return {
            type: 'UpdateSession',
            sessionId: input.sessionId,
            actor,
            at: this.clock().toISOString(),
            eventId: (0, node_crypto_1.randomUUID)(),
            expectedSequence: input.expectedSequence,
            ...('title' in input ? { title: input.title } : {}),
            tags: input.tags,
            status: input.status,
            ...('metadata' in input ? { metadata: input.metadata } : {}),
        };
    }
    startRun(actor, raw) {
        const input = (0, inputs_1.validateInput)(inputs_1.StartRunInput, raw);
        const runId = input.runId ?? `run_${(0, node_crypto_1.randomBytes)(16).toString('hex')}`;
        return {
            type: 'StartRun',
            sessionId: input.sessionId,
            actor,
            at: this.clock().toISOString(),
            eventId: (0, domain_1.deterministicUuid)(input.sessionId, 'RunStarted', runId),
            runId,
            model: input.model,
            input: (input.input ?? null),
        };
    }
    appendRunEvents(actor, raw) {
        const events = raw?.events;
        if (Array.isArray(events) && events.length > this.config.limits.maxBatchEvents) {
            throw new domain_1.PayloadTooLargeError(`a batch holds at most ${this.config.limits.maxBatchEvents} events; this one has ${events.length}: split it`);
        }
        const input = (0, inputs_1.validateInput)(inputs_1.AppendRunEventsInput, raw);
        const now = this.clock();
        const latest = new Date(now.getTime() + MAX_CLOCK_SKEW_MS).toISOString();
        const problems = [];
        const recorded = input.events.map((event, index) => {
            const size = Buffer.byteLength(JSON.stringify(event.data));
            if (size > this.config.limits.maxEventDataBytes) {
                throw new domain_1.PayloadTooLargeError(`input.events[${index}].data is ${size} bytes; an event's data holds at most ${this.config.limits.maxEventDataBytes} bytes`);
            }
            const at = event.at ? new Date(event.at).toISOString() : now.toISOString();
            if (at > latest)
                problems.push({ field: `input.events[${index}].at`, message: 'is more than 5 minutes in the future; check the reporter clock' });
            return {
                id: event.id ? (0, domain_1.deterministicUuid)(input.sessionId, 'event', event.id) : (0, node_crypto_1.randomUUID)(),
                ...(event.id ? { clientId: event.id } : {}),
                type: event.type,
                at,
                data: event.data,
            };
        });
        if (problems.length)
            throw new domain_1.BadUserInputError(problems.map((p) => `${p.field} ${p.message}`).join('; '), problems);
        const ids = new Set();
        recorded.forEach((event, index) => {
            if (ids.has(event.id))
                throw domain_1.BadUserInputError.field(`input.events[${index}].id`, 'repeats an id given earlier in the same batch');
            ids.add(event.id);
        });
        return {
            type: 'AppendRunEvents',
            sessionId: input.sessionId,
            actor,
            at: now.toISOString(),
            runId: input.runId,
            expectedSequence: input.expectedSequence,
            events: recorded,
        };
    }
    finishRun(actor, raw) {
        const input = (0, inputs_1.validateInput)(inputs_1.FinishRunInput, raw);
        return {
            type: 'FinishRun',
            sessionId: input.sessionId,
            actor,
            at: this.clock().toISOString(),
            eventId: (0, domain_1.deterministicUuid)(input.sessionId, 'RunFinished', input.runId),
            runId: input.runId,
            status: input.status,
            output: (input.output ?? null),
            error: input.error,
        };
    }
    resolveCheckpoint(actor, raw) {
        const input = (0, inputs_1.validateInput)(inputs_1.ResolveCheckpointInput, raw);
        return {
            type: 'ResolveCheckpoint',
            sessionId: input.sessionId,
            actor,
            at: this.clock().toISOString(),
            eventId: (0, node_crypto_1.randomUUID)(),
            runId: input.runId,
            decision: input.decision,
            comment: input.comment,
        };
    }
    endSession(actor, raw) {
        const input = (0, inputs_1.validateInput)(inputs_1.EndSessionInput, raw);
        return {
            type: 'EndSession',
            sessionId: input.sessionId,
            actor,
            at: this.clock().toISOString(),
            eventId: (0, domain_1.deterministicUuid)(input.sessionId, 'SessionEnded'),
            status: input.status,
            reason: input.reason,
        };
    }
    setPinned(actor, raw) {
        const input = (0, inputs_1.validateInput)(inputs_1.SetPinnedInput, raw);
        return { type: 'SetPinned', actor, sessionId: input.sessionId, pinned: input.pinned, at: this.clock().toISOString(), eventId: (0, node_crypto_1.randomUUID)() };
    }
};
exports.CommandFactory = CommandFactory;
exports.CommandFactory = CommandFactory = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(clock_1.CLOCK)),
    __param(1, (0, common_1.Inject)(ledger_config_1.LEDGER_CONFIG)),
    __metadata("design:paramtypes", [Function, Object])
], CommandFactory);
//# sourceMappingURL=command-factory.js.map
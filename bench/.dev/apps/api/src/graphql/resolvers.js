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
exports.MutationResolver = exports.MutationDispatch = exports.RunFieldsResolver = exports.SessionFieldsResolver = exports.QueryResolver = void 0;
const graphql_1 = require("@nestjs/graphql");
const cqrs_1 = require("@nestjs/cqrs");
const domain_1 = require("../../../../libs/domain/src/index.js");
const event_store_1 = require("../../../../libs/event-store/src/index.js");
const presenters_1 = require("../read/presenters");
const queries_1 = require("../read/queries");
const commands_1 = require("../write/commands");
const command_factory_1 = require("./command-factory");
const context_1 = require("./context");
const projection_admin_1 = require("../write/projection-admin");
const common_1 = require("@nestjs/common");
const ledger_config_1 = require("../config/ledger-config");
const clock_1 = require("../clock");
/** Resolvers validate and dispatch: commands to the CommandBus, reads to the QueryBus. */
let QueryResolver = class QueryResolver {
    queries;
    constructor(queries) {
        this.queries = queries;
    }
    whoami(context) {
        const actor = (0, context_1.requireActor)(context);
        return { organizationId: actor.organizationId, principal: actor.principal, roles: actor.roles };
    }
    session(id, context) {
        return this.queries.execute(new queries_1.GetSessionQuery((0, context_1.requireReader)(context), id));
    }
    sessions(filter, first, after, context) {
        return this.queries.execute(new queries_1.ListSessionsQuery((0, context_1.requireReader)(context), filter ?? null, first, after ?? null));
    }
    commandCenter(filter, limit, context) {
        return this.queries.execute(new queries_1.GetCommandCenterQuery((0, context_1.requireReader)(context), filter ?? null, limit));
    }
    run(id, context) {
        return this.queries.execute(new queries_1.GetRunQuery((0, context_1.requireReader)(context), id));
    }
    timeline(sessionId, after, first, types, runId, context) {
        return this.queries.execute(new queries_1.GetTimelineQuery((0, context_1.requireReader)(context), sessionId, after ?? -1, first ?? 100, types ?? null, runId ?? null));
    }
    sessionAsOf(id, sequence, at, context) {
        return this.queries.execute(new queries_1.GetSessionAsOfQuery((0, context_1.requireReader)(context), id, sequence ?? null, at ?? null));
    }
    usage(filter, groupBy, context) {
        return this.queries.execute(new queries_1.GetUsageQuery((0, context_1.requireReader)(context), filter, groupBy));
    }
    managedAgents(first, after, context) {
        return this.queries.execute(new queries_1.ListManagedAgentsQuery((0, context_1.requireReader)(context), first, after ?? null));
    }
    projections(context) {
        return this.queries.execute(new queries_1.GetProjectionsQuery((0, context_1.requireReader)(context)));
    }
};
exports.QueryResolver = QueryResolver;
__decorate([
    (0, graphql_1.Query)('whoami'),
    __param(0, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", void 0)
], QueryResolver.prototype, "whoami", null);
__decorate([
    (0, graphql_1.Query)('session'),
    __param(0, (0, graphql_1.Args)('id')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object]),
    __metadata("design:returntype", void 0)
], QueryResolver.prototype, "session", null);
__decorate([
    (0, graphql_1.Query)('sessions'),
    __param(0, (0, graphql_1.Args)('filter')),
    __param(1, (0, graphql_1.Args)('first')),
    __param(2, (0, graphql_1.Args)('after')),
    __param(3, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object, Object, Object]),
    __metadata("design:returntype", void 0)
], QueryResolver.prototype, "sessions", null);
__decorate([
    (0, graphql_1.Query)('commandCenter'),
    __param(0, (0, graphql_1.Args)('filter')),
    __param(1, (0, graphql_1.Args)('limit')),
    __param(2, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object, Object]),
    __metadata("design:returntype", void 0)
], QueryResolver.prototype, "commandCenter", null);
__decorate([
    (0, graphql_1.Query)('run'),
    __param(0, (0, graphql_1.Args)('id')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object]),
    __metadata("design:returntype", void 0)
], QueryResolver.prototype, "run", null);
__decorate([
    (0, graphql_1.Query)('timeline'),
    __param(0, (0, graphql_1.Args)('sessionId')),
    __param(1, (0, graphql_1.Args)('after')),
    __param(2, (0, graphql_1.Args)('first')),
    __param(3, (0, graphql_1.Args)('types')),
    __param(4, (0, graphql_1.Args)('runId')),
    __param(5, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Number, Number, Object, Object, Object]),
    __metadata("design:returntype", void 0)
], QueryResolver.prototype, "timeline", null);
__decorate([
    (0, graphql_1.Query)('sessionAsOf'),
    __param(0, (0, graphql_1.Args)('id')),
    __param(1, (0, graphql_1.Args)('sequence')),
    __param(2, (0, graphql_1.Args)('at')),
    __param(3, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object, Object, Object]),
    __metadata("design:returntype", void 0)
], QueryResolver.prototype, "sessionAsOf", null);
__decorate([
    (0, graphql_1.Query)('usage'),
    __param(0, (0, graphql_1.Args)('filter')),
    __param(1, (0, graphql_1.Args)('groupBy')),
    __param(2, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Array, Object]),
    __metadata("design:returntype", void 0)
], QueryResolver.prototype, "usage", null);
__decorate([
    (0, graphql_1.Query)('managedAgents'),
    __param(0, (0, graphql_1.Args)('first')),
    __param(1, (0, graphql_1.Args)('after')),
    __param(2, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object, Object]),
    __metadata("design:returntype", void 0)
], QueryResolver.prototype, "managedAgents", null);
__decorate([
    (0, graphql_1.Query)('projections'),
    __param(0, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object]),
    __metadata("design:returntype", void 0)
], QueryResolver.prototype, "projections", null);
exports.QueryResolver = QueryResolver = __decorate([
    (0, graphql_1.Resolver)('Query'),
    __metadata("design:paramtypes", [cqrs_1.QueryBus])
], QueryResolver);
let SessionFieldsResolver = class SessionFieldsResolver {
    queries;
    constructor(queries) {
        this.queries = queries;
    }
    children(session, context) {
        return this.queries.execute(new queries_1.GetChildrenQuery((0, context_1.requireActor)(context), session.id));
    }
    runs(session, first, after, context) {
        return this.queries.execute(new queries_1.ListRunsQuery((0, context_1.requireActor)(context), session.id, first, after ?? null));
    }
};
exports.SessionFieldsResolver = SessionFieldsResolver;
__decorate([
    (0, graphql_1.ResolveField)('children'),
    __param(0, (0, graphql_1.Parent)()),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", void 0)
], SessionFieldsResolver.prototype, "children", null);
__decorate([
    (0, graphql_1.ResolveField)('runs'),
    __param(0, (0, graphql_1.Parent)()),
    __param(1, (0, graphql_1.Args)('first')),
    __param(2, (0, graphql_1.Args)('after')),
    __param(3, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object, Object, Object]),
    __metadata("design:returntype", void 0)
], SessionFieldsResolver.prototype, "runs", null);
exports.SessionFieldsResolver = SessionFieldsResolver = __decorate([
    (0, graphql_1.Resolver)('Session'),
    __metadata("design:paramtypes", [cqrs_1.QueryBus])
], SessionFieldsResolver);
let RunFieldsResolver = class RunFieldsResolver {
    queries;
    constructor(queries) {
        this.queries = queries;
    }
    toolCalls(run, context) {
        return this.queries.execute(new queries_1.GetToolCallsQuery((0, context_1.requireActor)(context), run));
    }
};
exports.RunFieldsResolver = RunFieldsResolver;
__decorate([
    (0, graphql_1.ResolveField)('toolCalls'),
    __param(0, (0, graphql_1.Parent)()),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", void 0)
], RunFieldsResolver.prototype, "toolCalls", null);
exports.RunFieldsResolver = RunFieldsResolver = __decorate([
    (0, graphql_1.Resolver)('Run'),
    __metadata("design:paramtypes", [cqrs_1.QueryBus])
], RunFieldsResolver);
/**
 * Sends a session command and reads its answer back: from the read model once the projections
 * have applied the write (bounded wait), or from the write side if they are behind.
 */
let MutationDispatch = class MutationDispatch {
    commands;
    queries;
    config;
    clock;
    constructor(commands, queries, config, clock) {
        this.commands = commands;
        this.queries = queries;
        this.config = config;
        this.clock = clock;
    }
    execute(command, context) {
        return this.commands.execute(new commands_1.ExecuteSessionCommand(command, context.requestId));
    }
    /** The session after the command, read from the read model once it has applied the write. */
    async sessionAfter(actor, outcome) {
        const position = outcome.appended?.position ?? outcome.session.lastPosition;
        const session = await this.queries.execute(new queries_1.GetSessionQuery(actor, outcome.session.sessionId, position));
        const view = outcome.session.state.view;
        if (session && session.sequence >= (view?.sequence ?? -1))
            return session;
        // The read model is behind its bound: the write is stored, so answer from the write side.
        if (view)
            return (0, presenters_1.presentSession)(view, this.clock().toISOString(), this.config.windows);
        throw new domain_1.UnavailableError('the session was written but cannot be read back yet; query it again shortly');
    }
    async runAfter(actor, outcome, runId) {
        const position = outcome.appended?.position ?? outcome.session.lastPosition;
        const run = await this.queries.execute(new queries_1.GetRunQuery(actor, runId, outcome.session.sessionId, position));
        if (run)
            return run;
        throw new domain_1.UnavailableError(`run ${runId} was written but cannot be read back yet; query it again shortly (the call is safe to retry with the same runId)`);
    }
};
exports.MutationDispatch = MutationDispatch;
exports.MutationDispatch = MutationDispatch = __decorate([
    (0, common_1.Injectable)(),
    __param(2, (0, common_1.Inject)(ledger_config_1.LEDGER_CONFIG)),
    __param(3, (0, common_1.Inject)(clock_1.CLOCK)),
    __metadata("design:paramtypes", [cqrs_1.CommandBus,
        cqrs_1.QueryBus, Object, Function])
], MutationDispatch);
let MutationResolver = class MutationResolver {
    commands;
    queries;
    factory;
    dispatch;
    constructor(commands, queries, factory, dispatch) {
        this.commands = commands;
        this.queries = queries;
        this.factory = factory;
        this.dispatch = dispatch;
    }
    async startSession(input, context) {
        const actor = (0, context_1.requireActor)(context);
        const outcome = await this.dispatch.execute(this.factory.startSession(actor, input), context);
        return this.dispatch.sessionAfter(actor, outcome);
    }
    async updateSession(input, context) {
        const actor = (0, context_1.requireActor)(context);
        const outcome = await this.dispatch.execute(this.factory.updateSession(actor, input), context);
        return this.dispatch.sessionAfter(actor, outcome);
    }
    async startRun(input, context) {
        const actor = (0, context_1.requireActor)(context);
        const command = this.factory.startRun(actor, input);
        const outcome = await this.dispatch.execute(command, context);
        return this.dispatch.runAfter(actor, outcome, command.runId);
    }
    async appendRunEvents(input, context) {
        const actor = (0, context_1.requireActor)(context);
        const command = this.factory.appendRunEvents(actor, input);
        const outcome = await this.dispatch.execute(command, context);
        const position = outcome.appended?.position ?? outcome.session.lastPosition;
        if (position)
            await this.queries.execute(new queries_1.GetSessionQuery(actor, command.sessionId, position));
        const first = outcome.appended?.firstRevision ?? Math.min(...outcome.deduplicatedRevisions);
        const last = outcome.appended?.lastRevision ?? Math.max(...outcome.deduplicatedRevisions);
        return {
            sessionId: command.sessionId,
            runId: command.runId ?? null,
            firstSequence: first,
            lastSequence: last,
            position: position ? (0, event_store_1.formatPosition)(position) : '',
            deduplicated: outcome.deduplicated,
        };
    }
    async finishRun(input, context) {
        const actor = (0, context_1.requireActor)(context);
        const command = this.factory.finishRun(actor, input);
        return this.dispatch.runAfter(actor, await this.dispatch.execute(command, context), command.runId);
    }
    async resolveCheckpoint(input, context) {
        const actor = (0, context_1.requireActor)(context);
        const command = this.factory.resolveCheckpoint(actor, input);
        return this.dispatch.runAfter(actor, await this.dispatch.execute(command, context), command.runId);
    }
    async endSession(input, context) {
        const actor = (0, context_1.requireActor)(context);
        return this.dispatch.sessionAfter(actor, await this.dispatch.execute(this.factory.endSession(actor, input), context));
    }
    async setPinned(input, context) {
        const actor = (0, context_1.requireActor)(context);
        const command = this.factory.setPinned(actor, input);
        const outcome = await this.commands.execute(new commands_1.SetPinnedCommand(command, context.requestId));
        const session = await this.queries.execute(new queries_1.GetSessionQuery(actor, command.sessionId, outcome.position));
        if (!session)
            throw new domain_1.UnavailableError('the pin was stored but the session cannot be read back yet; query it again shortly');
        return session;
    }
    rebuildProjection(name, context) {
        (0, context_1.requireAdmin)(context);
        return this.commands.execute(new projection_admin_1.RebuildProjectionCommand(name));
    }
    verifyProjection(name, context) {
        (0, context_1.requireAdmin)(context);
        return this.commands.execute(new projection_admin_1.VerifyProjectionCommand(name));
    }
};
exports.MutationResolver = MutationResolver;
__decorate([
    (0, graphql_1.Mutation)('startSession'),
    __param(0, (0, graphql_1.Args)('input')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], MutationResolver.prototype, "startSession", null);
__decorate([
    (0, graphql_1.Mutation)('updateSession'),
    __param(0, (0, graphql_1.Args)('input')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], MutationResolver.prototype, "updateSession", null);
__decorate([
    (0, graphql_1.Mutation)('startRun'),
    __param(0, (0, graphql_1.Args)('input')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], MutationResolver.prototype, "startRun", null);
__decorate([
    (0, graphql_1.Mutation)('appendRunEvents'),
    __param(0, (0, graphql_1.Args)('input')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], MutationResolver.prototype, "appendRunEvents", null);
__decorate([
    (0, graphql_1.Mutation)('finishRun'),
    __param(0, (0, graphql_1.Args)('input')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], MutationResolver.prototype, "finishRun", null);
__decorate([
    (0, graphql_1.Mutation)('resolveCheckpoint'),
    __param(0, (0, graphql_1.Args)('input')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], MutationResolver.prototype, "resolveCheckpoint", null);
__decorate([
    (0, graphql_1.Mutation)('endSession'),
    __param(0, (0, graphql_1.Args)('input')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], MutationResolver.prototype, "endSession", null);
__decorate([
    (0, graphql_1.Mutation)('setPinned'),
    __param(0, (0, graphql_1.Args)('input')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", Promise)
], MutationResolver.prototype, "setPinned", null);
__decorate([
    (0, graphql_1.Mutation)('rebuildProjection'),
    __param(0, (0, graphql_1.Args)('name')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object]),
    __metadata("design:returntype", void 0)
], MutationResolver.prototype, "rebuildProjection", null);
__decorate([
    (0, graphql_1.Mutation)('verifyProjection'),
    __param(0, (0, graphql_1.Args)('name')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object]),
    __metadata("design:returntype", void 0)
], MutationResolver.prototype, "verifyProjection", null);
exports.MutationResolver = MutationResolver = __decorate([
    (0, graphql_1.Resolver)('Mutation'),
    __metadata("design:paramtypes", [cqrs_1.CommandBus,
        cqrs_1.QueryBus,
        command_factory_1.CommandFactory,
        MutationDispatch])
], MutationResolver);
//# sourceMappingURL=resolvers.js.map
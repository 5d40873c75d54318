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
exports.SetPinnedHandler = exports.SetPinnedCommand = exports.ExecuteSessionCommandHandler = exports.ExecuteSessionCommand = void 0;
const common_1 = require("@nestjs/common");
const cqrs_1 = require("@nestjs/cqrs");
const domain_1 = require("../../../../libs/domain/src/index.js");
const event_store_1 = require("../../../../libs/event-store/src/index.js");
const command_preparation_1 = require("./command-preparation");
const session_command_runner_1 = require("./session-command.runner");
const session_repository_1 = require("./session-repository");
/** A session command from the API, with the request it came from. */
class ExecuteSessionCommand {
    command;
    correlationId;
    constructor(command, correlationId) {
        this.command = command;
        this.correlationId = correlationId;
    }
}
exports.ExecuteSessionCommand = ExecuteSessionCommand;
let ExecuteSessionCommandHandler = class ExecuteSessionCommandHandler {
    preparation;
    runner;
    repository;
    constructor(preparation, runner, repository) {
        this.preparation = preparation;
        this.runner = runner;
        this.repository = repository;
    }
    async execute({ command, correlationId }) {
        if (command.type === 'StartSession' && command.parentSessionId) {
            const parent = await this.repository.load(command.parentSessionId);
            if (parent.state.view?.organizationId !== command.actor.organizationId) {
                throw new domain_1.NotFoundError(`parent session ${command.parentSessionId} not found`);
            }
        }
        const prepared = await this.preparation.prepare(command);
        const causationId = command.type === 'AppendRunEvents' ? (command.events[0]?.id ?? correlationId) : command.eventId;
        return this.runner.execute(prepared.command, {
            actor: command.actor,
            correlationId,
            causationId,
            redactions: prepared.redactions,
        });
    }
};
exports.ExecuteSessionCommandHandler = ExecuteSessionCommandHandler;
exports.ExecuteSessionCommandHandler = ExecuteSessionCommandHandler = __decorate([
    (0, cqrs_1.CommandHandler)(ExecuteSessionCommand),
    __metadata("design:paramtypes", [command_preparation_1.CommandPreparation,
        session_command_runner_1.SessionCommandRunner,
        session_repository_1.SessionRepository])
], ExecuteSessionCommandHandler);
class SetPinnedCommand {
    command;
    correlationId;
    constructor(command, correlationId) {
        this.command = command;
        this.correlationId = correlationId;
    }
}
exports.SetPinnedCommand = SetPinnedCommand;
let SetPinnedHandler = class SetPinnedHandler {
    sessions;
    store;
    constructor(sessions, store) {
        this.sessions = sessions;
        this.store = store;
    }
    async execute({ command, correlationId }) {
        const session = await this.sessions.load(command.sessionId);
        if (session.state.view?.organizationId !== command.actor.organizationId) {
            throw new domain_1.NotFoundError(`session ${command.sessionId} not found`);
        }
        const { type, id } = command.actor.principal;
        const stream = (0, domain_1.pinsStreamId)(command.actor.organizationId, type, id);
        const stored = await this.store.readStream(stream);
        const state = stored.reduce((pins, event) => (0, domain_1.evolvePins)(pins, event), new Set());
        const events = (0, domain_1.decidePins)(command, state);
        if (events.length === 0)
            return { position: null };
        const expected = stored.length === 0 ? 'no_stream' : stored[stored.length - 1].revision;
        const result = await this.store.append(stream, events.map((event) => ({
            id: event.id,
            type: event.type,
            data: event.data,
            metadata: {
                organizationId: command.actor.organizationId,
                actor: command.actor.principal,
                correlationId,
                causationId: command.eventId,
                schemaVersion: domain_1.SESSION_EVENT_SCHEMA_VERSION,
                redactions: [],
                occurredAt: event.at,
            },
        })), expected);
        return { position: result.position };
    }
};
exports.SetPinnedHandler = SetPinnedHandler;
exports.SetPinnedHandler = SetPinnedHandler = __decorate([
    (0, cqrs_1.CommandHandler)(SetPinnedCommand),
    __param(1, (0, common_1.Inject)(event_store_1.EVENT_STORE)),
    __metadata("design:paramtypes", [session_repository_1.SessionRepository, Object])
], SetPinnedHandler);
//# sourceMappingURL=commands.js.map
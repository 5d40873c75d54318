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
exports.CommandPreparation = void 0;
const common_1 = require("@nestjs/common");
const domain_1 = require("../../../../libs/domain/src/index.js");
const redaction_1 = require("../../../../libs/redaction/src/index.js");
const ledger_config_1 = require("../config/ledger-config");
const redactor_port_1 = require("./redactor.port");
/** The client-written fields of each command: everything here is scanned for credentials. */
function redactableFields(command) {
    switch (command.type) {
        case 'StartSession':
            return ['title', 'tags', 'source', 'initiative', 'subagent', 'environment', 'metadata'];
        case 'UpdateSession':
            return ['title', 'tags', 'metadata'];
        case 'StartRun':
            return ['input'];
        case 'AppendRunEvents':
            return [];
        case 'FinishRun':
            return ['output', 'error'];
        case 'ResolveCheckpoint':
            return ['comment'];
        case 'EndSession':
            return ['reason'];
        case 'TimeOutSession':
            return [];
        default: {
            const _never = command;
            return _never;
        }
    }
}
/**
 * Makes a command ready to decide: credentials redacted from everything the client wrote (in
 * one scan per command), and the cost of model usage fixed from the price table so that
 * replays agree whatever the table says later.
 */
let CommandPreparation = class CommandPreparation {
    redactor;
    config;
    constructor(redactor, config) {
        this.redactor = redactor;
        this.config = config;
    }
    async prepare(command) {
        try {
            return await this.redactAndPrice(command);
        }
        catch (error) {
            if (error instanceof redaction_1.RedactionError) {
                throw new domain_1.BadUserInputError(`a payload could not be scanned for credentials: ${error.message}`, [{ field: 'input', message: error.message }]);
            }
            throw error;
        }
    }
    async redactAndPrice(command) {
        const redactions = new Map();
        if (command.type === 'AppendRunEvents') {
            const results = await this.redactor.redactBatch(command.events.map((event) => event.data));
            const events = command.events.map((event, index) => {
                const { value, rules } = results[index];
                if (rules.length > 0)
                    redactions.set(event.id, rules);
                const data = value;
                if (event.type !== 'MODEL_USAGE' || !isPriceable(data))
                    return { ...event, data };
                return { ...event, data, pricing: (0, domain_1.priceModelUsage)(data, this.config.modelPrices) };
            });
            return { command: { ...command, events }, redactions };
        }
        if (command.type === 'TimeOutSession')
            return { command, redactions };
        const names = redactableFields(command).filter((name) => command[name] != null);
        if (names.length === 0)
            return { command, redactions };
        const results = await this.redactor.redactBatch(names.map((name) => command[name]));
        const redacted = { ...command };
        const rules = new Set();
        names.forEach((name, index) => {
            redacted[name] = results[index].value;
            results[index].rules.forEach((rule) => rules.add(rule));
        });
        if (rules.size > 0)
            redactions.set(command.eventId, [...rules].sort());
        return { command: redacted, redactions };
    }
};
exports.CommandPreparation = CommandPreparation;
exports.CommandPreparation = CommandPreparation = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(redactor_port_1.REDACTOR)),
    __param(1, (0, common_1.Inject)(ledger_config_1.LEDGER_CONFIG)),
    __metadata("design:paramtypes", [Object, Object])
], CommandPreparation);
function isPriceable(data) {
    const d = data;
    return typeof d.model === 'string' && typeof d.inputTokens === 'number' && typeof d.outputTokens === 'number';
}
//# sourceMappingURL=command-preparation.js.map
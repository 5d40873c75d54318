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
Object.defineProperty(exports, "__esModule", { value: true });
exports.ConfigError = exports.LEDGER_CONFIG = exports.LedgerEnvironment = void 0;
exports.loadConfig = loadConfig;
const class_transformer_1 = require("class-transformer");
const class_validator_1 = require("class-validator");
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const toInt = ({ value }) => (value === undefined || value === '' ? undefined : Number(value));
const emptyToUndefined = ({ value }) => (value === '' ? undefined : value);
/**
 * Every setting the process reads, validated once at start. Nothing else reads process.env:
 * the rest of the code receives this object through DI.
 */
class LedgerEnvironment {
    PORT = 4000;
    DATA_DIR = './data';
    EVENTSTORE_URL;
    MONGODB_URL;
    LEDGER_API_KEYS;
    LEDGER_API_KEYS_FILE;
    /** JSON object: model name -> { inputPerMTok, outputPerMTok, cacheReadPerMTok?, cacheWritePerMTok? } (USD per million tokens). */
    LEDGER_MODEL_PRICES;
    CHAT_ACTIVE_WINDOW_SECONDS = 1800;
    RECENT_WINDOW_SECONDS = 86400;
    /** How long a mutation waits for its own write to reach the read models. */
    READ_YOUR_WRITES_TIMEOUT_MS = 5000;
    LOG_LEVEL = 'info';
    /** Distinct pending changes a subscriber may fall behind by before it is closed as too slow. */
    SUBSCRIBER_BUFFER_SIZE = 1000;
}
exports.LedgerEnvironment = LedgerEnvironment;
__decorate([
    (0, class_transformer_1.Transform)(toInt),
    (0, class_validator_1.IsInt)(),
    (0, class_validator_1.Min)(0),
    (0, class_validator_1.Max)(65535),
    __metadata("design:type", Object)
], LedgerEnvironment.prototype, "PORT", void 0);
__decorate([
    (0, class_validator_1.IsString)(),
    __metadata("design:type", Object)
], LedgerEnvironment.prototype, "DATA_DIR", void 0);
__decorate([
    (0, class_transformer_1.Transform)(emptyToUndefined),
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.Matches)(/^(esdb|esdb\+discover|kurrentdb|kurrentdb\+discover|kurrent|kdb):\/\//, {
        message: 'EVENTSTORE_URL must be an esdb:// or kurrentdb:// connection string',
    }),
    __metadata("design:type", String)
], LedgerEnvironment.prototype, "EVENTSTORE_URL", void 0);
__decorate([
    (0, class_transformer_1.Transform)(emptyToUndefined),
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.Matches)(/^mongodb(\+srv)?:\/\//, { message: 'MONGODB_URL must be a mongodb:// or mongodb+srv:// connection string' }),
    __metadata("design:type", String)
], LedgerEnvironment.prototype, "MONGODB_URL", void 0);
__decorate([
    (0, class_transformer_1.Transform)(emptyToUndefined),
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    __metadata("design:type", String)
], LedgerEnvironment.prototype, "LEDGER_API_KEYS", void 0);
__decorate([
    (0, class_transformer_1.Transform)(emptyToUndefined),
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    __metadata("design:type", String)
], LedgerEnvironment.prototype, "LEDGER_API_KEYS_FILE", void 0);
__decorate([
    (0, class_transformer_1.Transform)(emptyToUndefined),
    (0, class_validator_1.IsOptional)(),
    (0, class_validator_1.IsString)(),
    __metadata("design:type", String)
], LedgerEnvironment.prototype, "LEDGER_MODEL_PRICES", void 0);
__decorate([
    (0, class_transformer_1.Transform)(toInt),
    (0, class_validator_1.IsInt)(),
    (0, class_validator_1.Min)(1),
    __metadata("design:type", Object)
], LedgerEnvironment.prototype, "CHAT_ACTIVE_WINDOW_SECONDS", void 0);
__decorate([
    (0, class_transformer_1.Transform)(toInt),
    (0, class_validator_1.IsInt)(),
    (0, class_validator_1.Min)(1),
    __metadata("design:type", Object)
], LedgerEnvironment.prototype, "RECENT_WINDOW_SECONDS", void 0);
__decorate([
    (0, class_transformer_1.Transform)(toInt),
    (0, class_validator_1.IsInt)(),
    (0, class_validator_1.Min)(0),
    __metadata("design:type", Object)
], LedgerEnvironment.prototype, "READ_YOUR_WRITES_TIMEOUT_MS", void 0);
__decorate([
    (0, class_validator_1.IsIn)(['fatal', 'error', 'warn', 'info', 'debug', 'silent']),
    __metadata("design:type", Object)
], LedgerEnvironment.prototype, "LOG_LEVEL", void 0);
__decorate([
    (0, class_transformer_1.Transform)(toInt),
    (0, class_validator_1.IsInt)(),
    (0, class_validator_1.Min)(1),
    __metadata("design:type", Object)
], LedgerEnvironment.prototype, "SUBSCRIBER_BUFFER_SIZE", void 0);
exports.LEDGER_CONFIG = Symbol('LEDGER_CONFIG');
class ConfigError extends Error {
}
exports.ConfigError = ConfigError;
function parseJson(name, text) {
    try {
        return JSON.parse(text);
    }
    catch (error) {
        throw new ConfigError(`${name} is not valid JSON (${error.message})`);
    }
}
function parsePrices(text) {
    if (!text)
        return {};
    const parsed = parseJson('LEDGER_MODEL_PRICES', text);
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        throw new ConfigError('LEDGER_MODEL_PRICES must be a JSON object of model -> { inputPerMTok, outputPerMTok }');
    }
    const table = {};
    for (const [model, price] of Object.entries(parsed)) {
        if (typeof price?.inputPerMTok !== 'number' || typeof price?.outputPerMTok !== 'number') {
            throw new ConfigError(`LEDGER_MODEL_PRICES.${model} needs numeric inputPerMTok and outputPerMTok`);
        }
        table[model] = price;
    }
    return table;
}
function parseApiKeys(env) {
    const source = env.LEDGER_API_KEYS
        ? { name: 'LEDGER_API_KEYS', text: env.LEDGER_API_KEYS }
        : env.LEDGER_API_KEYS_FILE
            ? { name: 'LEDGER_API_KEYS_FILE', text: readKeysFile(env.LEDGER_API_KEYS_FILE) }
            : null;
    if (!source)
        return null;
    const parsed = parseJson(source.name, source.text);
    if (!Array.isArray(parsed) || parsed.length === 0) {
        throw new ConfigError(`${source.name} must be a non-empty JSON array of {key, organizationId, principal, roles}`);
    }
    return parsed.map((entry, index) => {
        const e = entry;
        const where = `${source.name}[${index}]`;
        if (typeof e.key !== 'string' || e.key.length < 16)
            throw new ConfigError(`${where}.key must be a string of at least 16 characters`);
        if (typeof e.organizationId !== 'string' || !e.organizationId)
            throw new ConfigError(`${where}.organizationId is required`);
        if (!e.principal || typeof e.principal.id !== 'string' || typeof e.principal.type !== 'string') {
            throw new ConfigError(`${where}.principal needs type and id`);
        }
        if (!Array.isArray(e.roles) || e.roles.length === 0)
            throw new ConfigError(`${where}.roles must list at least one role`);
        return e;
    });
}
function readKeysFile(path) {
    try {
        return (0, node_fs_1.readFileSync)(path, 'utf8');
    }
    catch (error) {
        throw new ConfigError(`LEDGER_API_KEYS_FILE ${path} cannot be read (${error.code ?? 'error'})`);
    }
}
/** Validates the environment once; a bad value throws a ConfigError with one clear line. */
function loadConfig(environment = process.env) {
    const env = (0, class_transformer_1.plainToInstance)(LedgerEnvironment, { ...environment }, { exposeDefaultValues: true });
    const errors = (0, class_validator_1.validateSync)(env, { whitelist: false, forbidUnknownValues: false });
    if (errors.length > 0) {
        const first = errors[0];
        const message = Object.values(first.constraints ?? {})[0] ?? 'is invalid';
        throw new ConfigError(`invalid configuration: ${first.property}: ${message}`);
    }
    return {
        port: env.PORT,
        dataDir: (0, node_path_1.resolve)(env.DATA_DIR),
        eventStoreUrl: env.EVENTSTORE_URL ?? null,
        mongodbUrl: env.MONGODB_URL ?? null,
        apiKeys: parseApiKeys(env),
        modelPrices: parsePrices(env.LEDGER_MODEL_PRICES),
        windows: { chatActiveSeconds: env.CHAT_ACTIVE_WINDOW_SECONDS, recentSeconds: env.RECENT_WINDOW_SECONDS },
        readYourWritesTimeoutMs: env.READ_YOUR_WRITES_TIMEOUT_MS,
        logLevel: env.LOG_LEVEL,
        limits: { maxEventDataBytes: 64 * 1024, maxBatchEvents: 500, maxRequestBytes: 4 * 1024 * 1024 },
        live: { subscriberBufferSize: env.SUBSCRIBER_BUFFER_SIZE, timelinePollMs: 2000 },
    };
}
//# sourceMappingURL=ledger-config.js.map
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
exports.ApiKeyRegistry = exports.DEV_KEY_FILE = void 0;
const common_1 = require("@nestjs/common");
const node_crypto_1 = require("node:crypto");
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const domain_1 = require("../../../../libs/domain/src/index.js");
const ledger_config_1 = require("../config/ledger-config");
function hashKey(key) {
    return (0, node_crypto_1.createHash)('sha256').update(key).digest();
}
exports.DEV_KEY_FILE = 'dev-api-key.json';
/**
 * API keys, held only as SHA-256 hashes. Lookup is by the hash of the presented key, then a
 * constant-time comparison, so a key is never kept or compared in the clear.
 */
let ApiKeyRegistry = class ApiKeyRegistry {
    logger = new common_1.Logger('ApiKeys');
    actors = new Map();
    constructor(config) {
        const entries = config.apiKeys ?? this.devKeys(config);
        entries.forEach((entry, index) => this.add(entry, index));
    }
    authenticate(authorization) {
        if (!authorization)
            return null;
        const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
        if (!match)
            return null;
        const hash = hashKey(match[1]);
        const found = this.actors.get(hash.toString('hex'));
        return found && (0, node_crypto_1.timingSafeEqual)(found.hash, hash) ? found.actor : null;
    }
    add(entry, index) {
        const where = `API key ${index} (organization ${entry.organizationId})`;
        if (!domain_1.PRINCIPAL_TYPES.includes(entry.principal.type)) {
            throw new ledger_config_1.ConfigError(`${where}: principal.type must be one of ${domain_1.PRINCIPAL_TYPES.join(', ')}`);
        }
        const unknownRole = entry.roles.find((role) => !domain_1.ROLES.includes(role));
        if (unknownRole)
            throw new ledger_config_1.ConfigError(`${where}: unknown role ${unknownRole}; roles are ${domain_1.ROLES.join(', ')}`);
        const hash = hashKey(entry.key);
        this.actors.set(hash.toString('hex'), {
            hash,
            actor: Object.freeze({
                organizationId: entry.organizationId,
                principal: { type: entry.principal.type, id: entry.principal.id, name: entry.principal.name ?? null },
                roles: Object.freeze([...entry.roles]),
            }),
        });
    }
    /**
     * With no keys configured, the embedded default makes one ADMIN key for a "dev" organization
     * on first start and keeps it under DATA_DIR, so a new user can call the API at once.
     */
    devKeys(config) {
        if (config.eventStoreUrl) {
            throw new ledger_config_1.ConfigError('no API keys configured: set LEDGER_API_KEYS or LEDGER_API_KEYS_FILE (a dev key is made only for the embedded store)');
        }
        const file = (0, node_path_1.join)(config.dataDir, exports.DEV_KEY_FILE);
        if ((0, node_fs_1.existsSync)(file))
            return [JSON.parse((0, node_fs_1.readFileSync)(file, 'utf8'))];
        (0, node_fs_1.mkdirSync)(config.dataDir, { recursive: true });
        const entry = {
            key: `al_dev_${(0, node_crypto_1.randomBytes)(24).toString('hex')}`,
            organizationId: 'dev',
            principal: { type: 'USER', id: 'dev-admin', name: 'Dev Admin' },
            roles: ['ADMIN'],
        };
        (0, node_fs_1.writeFileSync)(file, JSON.stringify(entry, null, 2), { mode: 0o600 });
        this.logger.log(`created a dev ADMIN key for organization "dev" in ${file}\n` +
            `  try: curl -s http://localhost:${config.port}/graphql -H 'content-type: application/json' ` +
            `-H 'authorization: Bearer ${entry.key}' -d '{"query":"{ commandCenter { counts { active attention recent } } }"}'`);
        return [entry];
    }
};
exports.ApiKeyRegistry = ApiKeyRegistry;
exports.ApiKeyRegistry = ApiKeyRegistry = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(ledger_config_1.LEDGER_CONFIG)),
    __metadata("design:paramtypes", [Object])
], ApiKeyRegistry);
//# sourceMappingURL=api-keys.js.map
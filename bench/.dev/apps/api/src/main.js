"use strict";
var __importDefault = (this && this.__importDefault) || function (mod) {
    return (mod && mod.__esModule) ? mod : { "default": mod };
};
Object.defineProperty(exports, "__esModule", { value: true });
require("reflect-metadata");
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const express_1 = __importDefault(require("express"));
const app_module_1 = require("./app.module");
const ledger_config_1 = require("./config/ledger-config");
/** A request body over the limit gets the contract's PAYLOAD_TOO_LARGE, in GraphQL's error shape. */
function bodyErrors(error, _req, res, next) {
    if (error?.type === 'entity.too.large') {
        res.status(413).json({ errors: [{ message: 'the request body is over 4 MiB: send smaller batches', extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
        return;
    }
    if (error?.type === 'entity.parse.failed') {
        res.status(400).json({ errors: [{ message: 'the request body is not valid JSON', extensions: { code: 'BAD_USER_INPUT', fields: [] } }] });
        return;
    }
    next(error);
}
const LEVELS = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
/** LOG_LEVEL in the usual names; Nest calls "info" "log". */
function nestLogLevels(level) {
    if (level === 'silent')
        return false;
    const index = LEVELS.indexOf((level === 'info' ? 'log' : level));
    return LEVELS.slice(0, index + 1);
}
async function bootstrap() {
    let config;
    try {
        config = (0, ledger_config_1.loadConfig)();
    }
    catch (error) {
        if (error instanceof ledger_config_1.ConfigError) {
            process.stderr.write(`agent-ledger: ${error.message}\n`);
            process.exit(2);
        }
        throw error;
    }
    const app = await core_1.NestFactory.create(app_module_1.AppModule.forRoot(config), {
        bodyParser: false,
        logger: nestLogLevels(config.logLevel),
    });
    app.use(express_1.default.json({ limit: config.limits.maxRequestBytes }));
    app.use(bodyErrors);
    app.enableShutdownHooks();
    await app.listen(config.port);
    const url = await app.getUrl();
    new common_1.Logger('AgentLedger').log(`serving ${url.replace('[::1]', 'localhost')}/graphql (event store: ${config.eventStoreUrl ? 'EventStoreDB' : 'SQLite'}, read store: ${config.mongodbUrl ? 'MongoDB' : 'in memory'})`);
}
bootstrap().catch((error) => {
    process.stderr.write(`agent-ledger: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
//# sourceMappingURL=main.js.map
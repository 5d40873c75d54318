"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
Object.defineProperty(exports, "__esModule", { value: true });
require("reflect-metadata");
const common_1 = require("@nestjs/common");
const core_1 = require("@nestjs/core");
const config_module_1 = require("../../api/src/config/config.module");
const ledger_config_1 = require("../../api/src/config/ledger-config");
const stores_module_1 = require("../../api/src/infrastructure/stores.module");
/**
 * The projector alone, for production scale-out: it follows the event store and keeps the
 * read models in MongoDB; api replicas serve queries and subscriptions from them.
 */
async function bootstrap() {
    let config;
    try {
        config = (0, ledger_config_1.loadConfig)();
    }
    catch (error) {
        if (error instanceof ledger_config_1.ConfigError) {
            process.stderr.write(`agent-ledger projector: ${error.message}\n`);
            process.exit(2);
        }
        throw error;
    }
    if (!config.mongodbUrl) {
        process.stderr.write('agent-ledger projector: MONGODB_URL is required (the in-memory read store lives inside the api process)\n');
        process.exit(2);
    }
    let ProjectorModule = class ProjectorModule {
    };
    ProjectorModule = __decorate([
        (0, common_1.Module)({ imports: [config_module_1.ConfigModule.forRoot(config), stores_module_1.StoresModule.forRoot({ runProjections: true })] })
    ], ProjectorModule);
    const app = await core_1.NestFactory.createApplicationContext(ProjectorModule);
    app.enableShutdownHooks();
    new common_1.Logger('Projector').log('projections running');
}
bootstrap().catch((error) => {
    process.stderr.write(`agent-ledger projector: failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
});
//# sourceMappingURL=main.js.map
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
var StoresModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.StoresModule = exports.EVENT_STORE_FILE = void 0;
exports.createProjections = createProjections;
const common_1 = require("@nestjs/common");
const node_fs_1 = require("node:fs");
const node_path_1 = require("node:path");
const event_store_1 = require("../../../../libs/event-store/src/index.js");
const read_store_1 = require("../../../../libs/read-store/src/index.js");
const redaction_1 = require("../../../../libs/redaction/src/index.js");
const projections_1 = require("../../../../libs/projections/src/index.js");
const ledger_config_1 = require("../config/ledger-config");
const redactor_port_1 = require("../write/redactor.port");
exports.EVENT_STORE_FILE = 'events.sqlite';
/** Chosen by configuration, once: EventStoreDB when EVENTSTORE_URL is set, else SQLite under DATA_DIR. */
async function createEventStore(config) {
    if (config.eventStoreUrl)
        return event_store_1.EventStoreDbEventStore.connect(config.eventStoreUrl);
    (0, node_fs_1.mkdirSync)(config.dataDir, { recursive: true });
    return new event_store_1.SqliteEventStore((0, node_path_1.join)(config.dataDir, exports.EVENT_STORE_FILE));
}
/** MongoDB when MONGODB_URL is set, else in memory (rebuilt from the event store at start). */
async function createReadStore(config) {
    if (config.mongodbUrl)
        return read_store_1.MongoReadStore.connect(config.mongodbUrl);
    return new read_store_1.MemoryReadStore();
}
function createProjections(config) {
    return [
        new projections_1.SessionsProjection(config.windows),
        new projections_1.RunsProjection(),
        new projections_1.UsageProjection(),
        new projections_1.ManagedAgentsProjection(),
        new projections_1.PinsProjection(),
    ];
}
/**
 * The ports bound to their adapters. Stores close last on shutdown, after the projections stop
 * and in-flight commands finish (Nest calls shutdown hooks in reverse order of creation).
 */
let StoresModule = StoresModule_1 = class StoresModule {
    eventStore;
    readStore;
    engine;
    logger = new common_1.Logger('Stores');
    constructor(eventStore, readStore, engine) {
        this.eventStore = eventStore;
        this.readStore = readStore;
        this.engine = engine;
    }
    static forRoot(options) {
        return {
            module: StoresModule_1,
            providers: [
                { provide: event_store_1.EVENT_STORE, useFactory: createEventStore, inject: [ledger_config_1.LEDGER_CONFIG] },
                { provide: read_store_1.READ_STORE, useFactory: createReadStore, inject: [ledger_config_1.LEDGER_CONFIG] },
                { provide: redactor_port_1.REDACTOR, useFactory: () => new redaction_1.Redactor() },
                { provide: projections_1.CHANGE_FEED, useFactory: () => new projections_1.InProcessChangeFeed() },
                {
                    provide: projections_1.ProjectionEngine,
                    useFactory: async (config, store, readStore, feed) => {
                        const logger = new common_1.Logger('Projections');
                        const engine = new projections_1.ProjectionEngine(store, readStore, createProjections(config), feed, {
                            onError: (name, error) => logger.error(`projection ${name} failed, resubscribing from its checkpoint: ${error.message}`),
                        });
                        if (options.runProjections)
                            await engine.start();
                        return engine;
                    },
                    inject: [ledger_config_1.LEDGER_CONFIG, event_store_1.EVENT_STORE, read_store_1.READ_STORE, projections_1.CHANGE_FEED],
                },
            ],
            exports: [event_store_1.EVENT_STORE, read_store_1.READ_STORE, redactor_port_1.REDACTOR, projections_1.CHANGE_FEED, projections_1.ProjectionEngine],
        };
    }
    async onApplicationShutdown() {
        await this.engine.stop();
        await this.readStore.close();
        await this.eventStore.close();
        this.logger.log('stores closed');
    }
};
exports.StoresModule = StoresModule;
exports.StoresModule = StoresModule = StoresModule_1 = __decorate([
    (0, common_1.Global)(),
    (0, common_1.Module)({}),
    __param(0, (0, common_1.Inject)(event_store_1.EVENT_STORE)),
    __param(1, (0, common_1.Inject)(read_store_1.READ_STORE)),
    __metadata("design:paramtypes", [Object, Object, projections_1.ProjectionEngine])
], StoresModule);
//# sourceMappingURL=stores.module.js.map
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
exports.HealthController = void 0;
const common_1 = require("@nestjs/common");
const terminus_1 = require("@nestjs/terminus");
const event_store_1 = require("../../../../libs/event-store/src/index.js");
const projections_1 = require("../../../../libs/projections/src/index.js");
/**
 * GET /health/live: the process answers. GET /health (readiness): the event store answers and
 * no projection has failed.
 */
let HealthController = class HealthController {
    health;
    indicators;
    store;
    engine;
    constructor(health, indicators, store, engine) {
        this.health = health;
        this.indicators = indicators;
        this.store = store;
        this.engine = engine;
    }
    live() {
        return { status: 'ok' };
    }
    ready() {
        return this.health.check([
            async () => {
                const indicator = this.indicators.check('eventStore');
                try {
                    await this.store.headPosition();
                    return indicator.up();
                }
                catch {
                    return indicator.down({ message: 'the event store does not answer' });
                }
            },
            async () => {
                const indicator = this.indicators.check('projections');
                const failed = this.engine.failedProjections();
                return failed.length === 0 ? indicator.up() : indicator.down({ failed });
            },
        ]);
    }
};
exports.HealthController = HealthController;
__decorate([
    (0, common_1.Get)('live'),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", void 0)
], HealthController.prototype, "live", null);
__decorate([
    (0, common_1.Get)(),
    (0, terminus_1.HealthCheck)(),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", []),
    __metadata("design:returntype", void 0)
], HealthController.prototype, "ready", null);
exports.HealthController = HealthController = __decorate([
    (0, common_1.Controller)('health'),
    __param(2, (0, common_1.Inject)(event_store_1.EVENT_STORE)),
    __metadata("design:paramtypes", [terminus_1.HealthCheckService,
        terminus_1.HealthIndicatorService, Object, projections_1.ProjectionEngine])
], HealthController);
//# sourceMappingURL=health.controller.js.map
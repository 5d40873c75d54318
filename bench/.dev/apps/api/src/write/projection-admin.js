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
exports.VerifyProjectionHandler = exports.VerifyProjectionCommand = exports.RebuildProjectionHandler = exports.RebuildProjectionCommand = void 0;
const cqrs_1 = require("@nestjs/cqrs");
const domain_1 = require("../../../../libs/domain/src/index.js");
const projections_1 = require("../../../../libs/projections/src/index.js");
/** The engine's refusals in the contract's terms. */
function translate(error) {
    if (error instanceof projections_1.ProjectionBusyError)
        throw new domain_1.ConflictError(error.message);
    if (error instanceof projections_1.UnknownProjectionError)
        throw domain_1.BadUserInputError.field('name', error.message);
    throw error;
}
class RebuildProjectionCommand {
    name;
    constructor(name) {
        this.name = name;
    }
}
exports.RebuildProjectionCommand = RebuildProjectionCommand;
let RebuildProjectionHandler = class RebuildProjectionHandler {
    engine;
    constructor(engine) {
        this.engine = engine;
    }
    execute({ name }) {
        return this.engine.rebuild(name).catch(translate);
    }
};
exports.RebuildProjectionHandler = RebuildProjectionHandler;
exports.RebuildProjectionHandler = RebuildProjectionHandler = __decorate([
    (0, cqrs_1.CommandHandler)(RebuildProjectionCommand),
    __metadata("design:paramtypes", [projections_1.ProjectionEngine])
], RebuildProjectionHandler);
class VerifyProjectionCommand {
    name;
    constructor(name) {
        this.name = name;
    }
}
exports.VerifyProjectionCommand = VerifyProjectionCommand;
let VerifyProjectionHandler = class VerifyProjectionHandler {
    engine;
    constructor(engine) {
        this.engine = engine;
    }
    execute({ name }) {
        return this.engine.verify(name).catch(translate);
    }
};
exports.VerifyProjectionHandler = VerifyProjectionHandler;
exports.VerifyProjectionHandler = VerifyProjectionHandler = __decorate([
    (0, cqrs_1.CommandHandler)(VerifyProjectionCommand),
    __metadata("design:paramtypes", [projections_1.ProjectionEngine])
], VerifyProjectionHandler);
//# sourceMappingURL=projection-admin.js.map
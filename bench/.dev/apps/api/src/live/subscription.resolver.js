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
exports.SubscriptionResolver = void 0;
const graphql_1 = require("@nestjs/graphql");
const context_1 = require("../graphql/context");
const live_feeds_1 = require("./live-feeds");
function closerOf(context) {
    return context.closeConnection ?? (() => undefined);
}
/** Subscriptions read from the injected live feeds, never from a module-level PubSub. */
let SubscriptionResolver = class SubscriptionResolver {
    live;
    constructor(live) {
        this.live = live;
    }
    commandCenter(filter, context) {
        return this.live.commandCenter((0, context_1.requireReader)(context), filter ?? null, closerOf(context));
    }
    sessionChanged(id, context) {
        return this.live.sessionChanged((0, context_1.requireReader)(context), id, closerOf(context));
    }
    timeline(sessionId, after, types, context) {
        return this.live.timeline((0, context_1.requireReader)(context), sessionId, after ?? -1, types ?? null);
    }
};
exports.SubscriptionResolver = SubscriptionResolver;
__decorate([
    (0, graphql_1.Subscription)('commandCenter', { resolve: (value) => value }),
    __param(0, (0, graphql_1.Args)('filter')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [Object, Object]),
    __metadata("design:returntype", void 0)
], SubscriptionResolver.prototype, "commandCenter", null);
__decorate([
    (0, graphql_1.Subscription)('sessionChanged', { resolve: (value) => value }),
    __param(0, (0, graphql_1.Args)('id')),
    __param(1, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object]),
    __metadata("design:returntype", void 0)
], SubscriptionResolver.prototype, "sessionChanged", null);
__decorate([
    (0, graphql_1.Subscription)('timeline', { resolve: (value) => value }),
    __param(0, (0, graphql_1.Args)('sessionId')),
    __param(1, (0, graphql_1.Args)('after')),
    __param(2, (0, graphql_1.Args)('types')),
    __param(3, (0, graphql_1.Context)()),
    __metadata("design:type", Function),
    __metadata("design:paramtypes", [String, Object, Object, Object]),
    __metadata("design:returntype", void 0)
], SubscriptionResolver.prototype, "timeline", null);
exports.SubscriptionResolver = SubscriptionResolver = __decorate([
    (0, graphql_1.Resolver)('Subscription'),
    __metadata("design:paramtypes", [live_feeds_1.LiveFeeds])
], SubscriptionResolver);
//# sourceMappingURL=subscription.resolver.js.map
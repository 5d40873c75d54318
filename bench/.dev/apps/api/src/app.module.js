"use strict";
var __decorate = (this && this.__decorate) || function (decorators, target, key, desc) {
    var c = arguments.length, r = c < 3 ? target : desc === null ? desc = Object.getOwnPropertyDescriptor(target, key) : desc, d;
    if (typeof Reflect === "object" && typeof Reflect.decorate === "function") r = Reflect.decorate(decorators, target, key, desc);
    else for (var i = decorators.length - 1; i >= 0; i--) if (d = decorators[i]) r = (c < 3 ? d(r) : c > 3 ? d(target, key, r) : d(target, key)) || r;
    return c > 3 && r && Object.defineProperty(target, key, r), r;
};
var AppModule_1;
Object.defineProperty(exports, "__esModule", { value: true });
exports.AppModule = void 0;
const apollo_1 = require("@nestjs/apollo");
const common_1 = require("@nestjs/common");
const cqrs_1 = require("@nestjs/cqrs");
const terminus_1 = require("@nestjs/terminus");
const graphql_1 = require("@nestjs/graphql");
const graphql_armor_1 = require("@escape.tech/graphql-armor");
const node_crypto_1 = require("node:crypto");
const live_feeds_1 = require("./live/live-feeds");
const subscription_resolver_1 = require("./live/subscription.resolver");
const time_scheduler_1 = require("./live/time-scheduler");
const api_keys_1 = require("./auth/api-keys");
const auth_module_1 = require("./auth/auth.module");
const clock_1 = require("./clock");
const config_module_1 = require("./config/config.module");
const command_factory_1 = require("./graphql/command-factory");
const error_format_1 = require("./graphql/error-format");
const resolvers_1 = require("./graphql/resolvers");
const scalars_1 = require("./graphql/scalars");
const schema_1 = require("./graphql/schema");
const stores_module_1 = require("./infrastructure/stores.module");
const health_controller_1 = require("./health/health.controller");
const queries_1 = require("./read/queries");
const session_queries_1 = require("./read/session-queries");
const command_preparation_1 = require("./write/command-preparation");
const commands_1 = require("./write/commands");
const projection_admin_1 = require("./write/projection-admin");
const session_command_runner_1 = require("./write/session-command.runner");
const session_repository_1 = require("./write/session-repository");
/** Query depth, cost, aliases and tokens bounded by graphql-armor. */
const armor = new graphql_armor_1.ApolloArmor({
    maxDepth: { n: 12 },
    costLimit: { maxCost: 20_000 },
    maxAliases: { n: 30 },
    maxTokens: { n: 5_000 },
    maxDirectives: { n: 30 },
});
const protection = armor.protect();
let AppModule = AppModule_1 = class AppModule {
    static forRoot(config) {
        return {
            module: AppModule_1,
            imports: [
                config_module_1.ConfigModule.forRoot(config),
                cqrs_1.CqrsModule.forRoot(),
                auth_module_1.AuthModule,
                terminus_1.TerminusModule,
                stores_module_1.StoresModule.forRoot({ runProjections: true }),
                graphql_1.GraphQLModule.forRootAsync({
                    driver: apollo_1.ApolloDriver,
                    imports: [auth_module_1.AuthModule],
                    inject: [api_keys_1.ApiKeyRegistry],
                    useFactory: (keys) => ({
                        typeDefs: schema_1.TYPE_DEFS,
                        resolvers: { DateTime: scalars_1.DateTimeScalar, JSON: scalars_1.JSONScalar },
                        path: '/graphql',
                        playground: false,
                        introspection: true,
                        includeStacktraceInErrorResponses: false,
                        formatError: error_format_1.formatError,
                        plugins: [...protection.plugins],
                        validationRules: [...protection.validationRules],
                        subscriptions: {
                            'graphql-ws': {
                                path: '/graphql',
                                // A missing or unknown key closes the connection with the protocol's 4403 Forbidden.
                                onConnect: (ctx) => {
                                    const actor = keys.authenticate(String(ctx.connectionParams?.authorization ?? ''));
                                    if (!actor)
                                        return false;
                                    ctx.extra.actor = actor;
                                    return true;
                                },
                            },
                        },
                        context: (arg) => {
                            if ('req' in arg && arg.req) {
                                const req = arg.req;
                                return {
                                    actor: keys.authenticate(req.headers.authorization),
                                    requestId: req.headers['x-request-id'] ?? (0, node_crypto_1.randomUUID)(),
                                };
                            }
                            const ws = arg;
                            return {
                                actor: ws.extra.actor ?? null,
                                requestId: (0, node_crypto_1.randomUUID)(),
                                closeConnection: (code, reason) => ws.extra.socket.close(code, reason),
                            };
                        },
                    }),
                }),
            ],
            controllers: [health_controller_1.HealthController],
            providers: [
                { provide: clock_1.CLOCK, useValue: clock_1.systemClock },
                session_repository_1.SessionRepository,
                session_command_runner_1.SessionCommandRunner,
                command_preparation_1.CommandPreparation,
                command_factory_1.CommandFactory,
                session_queries_1.SessionQueries,
                commands_1.ExecuteSessionCommandHandler,
                commands_1.SetPinnedHandler,
                projection_admin_1.RebuildProjectionHandler,
                projection_admin_1.VerifyProjectionHandler,
                ...queries_1.QUERY_HANDLERS,
                resolvers_1.QueryResolver,
                resolvers_1.SessionFieldsResolver,
                resolvers_1.RunFieldsResolver,
                resolvers_1.MutationDispatch,
                resolvers_1.MutationResolver,
                live_feeds_1.LiveFeeds,
                time_scheduler_1.TimeScheduler,
                subscription_resolver_1.SubscriptionResolver,
            ],
        };
    }
};
exports.AppModule = AppModule;
exports.AppModule = AppModule = AppModule_1 = __decorate([
    (0, common_1.Module)({})
], AppModule);
//# sourceMappingURL=app.module.js.map
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
exports.QUERY_HANDLERS = exports.GetProjectionsHandler = exports.ListManagedAgentsHandler = exports.GetUsageHandler = exports.GetSessionAsOfHandler = exports.GetTimelineHandler = exports.GetToolCallsHandler = exports.ListRunsHandler = exports.GetRunHandler = exports.GetCommandCenterHandler = exports.ListSessionsHandler = exports.GetChildrenHandler = exports.GetSessionHandler = exports.GetProjectionsQuery = exports.ListManagedAgentsQuery = exports.GetUsageQuery = exports.GetSessionAsOfQuery = exports.GetTimelineQuery = exports.GetToolCallsQuery = exports.ListRunsQuery = exports.GetRunQuery = exports.GetCommandCenterQuery = exports.ListSessionsQuery = exports.GetChildrenQuery = exports.GetSessionQuery = void 0;
const common_1 = require("@nestjs/common");
const cqrs_1 = require("@nestjs/cqrs");
const projections_1 = require("../../../../libs/projections/src/index.js");
const ledger_config_1 = require("../config/ledger-config");
const session_queries_1 = require("./session-queries");
/**
 * The contract's reads as query messages. `after` makes a read wait (bounded) until the read
 * models have applied that position: how a mutation's answer reflects its own write.
 */
class ReadQuery {
    actor;
    after;
    constructor(actor, after = null) {
        this.actor = actor;
        this.after = after;
    }
}
class GetSessionQuery extends ReadQuery {
    id;
    constructor(actor, id, after = null) {
        super(actor, after);
        this.id = id;
    }
}
exports.GetSessionQuery = GetSessionQuery;
class GetChildrenQuery extends ReadQuery {
    parentId;
    constructor(actor, parentId) {
        super(actor);
        this.parentId = parentId;
    }
}
exports.GetChildrenQuery = GetChildrenQuery;
class ListSessionsQuery extends ReadQuery {
    filter;
    first;
    cursor;
    constructor(actor, filter, first, cursor) {
        super(actor);
        this.filter = filter;
        this.first = first;
        this.cursor = cursor;
    }
}
exports.ListSessionsQuery = ListSessionsQuery;
class GetCommandCenterQuery extends ReadQuery {
    filter;
    limit;
    constructor(actor, filter, limit) {
        super(actor);
        this.filter = filter;
        this.limit = limit;
    }
}
exports.GetCommandCenterQuery = GetCommandCenterQuery;
class GetRunQuery extends ReadQuery {
    id;
    sessionId;
    constructor(actor, id, sessionId = null, after = null) {
        super(actor, after);
        this.id = id;
        this.sessionId = sessionId;
    }
}
exports.GetRunQuery = GetRunQuery;
class ListRunsQuery extends ReadQuery {
    sessionId;
    first;
    cursor;
    constructor(actor, sessionId, first, cursor) {
        super(actor);
        this.sessionId = sessionId;
        this.first = first;
        this.cursor = cursor;
    }
}
exports.ListRunsQuery = ListRunsQuery;
class GetToolCallsQuery extends ReadQuery {
    run;
    constructor(actor, run) {
        super(actor);
        this.run = run;
    }
}
exports.GetToolCallsQuery = GetToolCallsQuery;
class GetTimelineQuery extends ReadQuery {
    sessionId;
    afterSequence;
    first;
    types;
    runId;
    constructor(actor, sessionId, afterSequence, first, types, runId) {
        super(actor);
        this.sessionId = sessionId;
        this.afterSequence = afterSequence;
        this.first = first;
        this.types = types;
        this.runId = runId;
    }
}
exports.GetTimelineQuery = GetTimelineQuery;
class GetSessionAsOfQuery extends ReadQuery {
    id;
    sequence;
    at;
    constructor(actor, id, sequence, at) {
        super(actor);
        this.id = id;
        this.sequence = sequence;
        this.at = at;
    }
}
exports.GetSessionAsOfQuery = GetSessionAsOfQuery;
class GetUsageQuery extends ReadQuery {
    filter;
    groupBy;
    constructor(actor, filter, groupBy) {
        super(actor);
        this.filter = filter;
        this.groupBy = groupBy;
    }
}
exports.GetUsageQuery = GetUsageQuery;
class ListManagedAgentsQuery extends ReadQuery {
    first;
    cursor;
    constructor(actor, first, cursor) {
        super(actor);
        this.first = first;
        this.cursor = cursor;
    }
}
exports.ListManagedAgentsQuery = ListManagedAgentsQuery;
class GetProjectionsQuery extends ReadQuery {
}
exports.GetProjectionsQuery = GetProjectionsQuery;
let ReadHandler = class ReadHandler {
    queries;
    engine;
    config;
    constructor(queries, engine, config) {
        this.queries = queries;
        this.engine = engine;
        this.config = config;
    }
    async execute(query) {
        if (query.after)
            await this.engine.waitFor(query.after, this.config.readYourWritesTimeoutMs);
        return this.read(query);
    }
};
ReadHandler = __decorate([
    __param(2, (0, common_1.Inject)(ledger_config_1.LEDGER_CONFIG)),
    __metadata("design:paramtypes", [session_queries_1.SessionQueries,
        projections_1.ProjectionEngine, Object])
], ReadHandler);
let GetSessionHandler = class GetSessionHandler extends ReadHandler {
    read(q) {
        return this.queries.session(q.actor, q.id);
    }
};
exports.GetSessionHandler = GetSessionHandler;
exports.GetSessionHandler = GetSessionHandler = __decorate([
    (0, cqrs_1.QueryHandler)(GetSessionQuery)
], GetSessionHandler);
let GetChildrenHandler = class GetChildrenHandler extends ReadHandler {
    read(q) {
        return this.queries.children(q.actor, q.parentId);
    }
};
exports.GetChildrenHandler = GetChildrenHandler;
exports.GetChildrenHandler = GetChildrenHandler = __decorate([
    (0, cqrs_1.QueryHandler)(GetChildrenQuery)
], GetChildrenHandler);
let ListSessionsHandler = class ListSessionsHandler extends ReadHandler {
    read(q) {
        return this.queries.sessions(q.actor, q.filter, q.first, q.cursor);
    }
};
exports.ListSessionsHandler = ListSessionsHandler;
exports.ListSessionsHandler = ListSessionsHandler = __decorate([
    (0, cqrs_1.QueryHandler)(ListSessionsQuery)
], ListSessionsHandler);
let GetCommandCenterHandler = class GetCommandCenterHandler extends ReadHandler {
    read(q) {
        return this.queries.commandCenter(q.actor, q.filter, q.limit);
    }
};
exports.GetCommandCenterHandler = GetCommandCenterHandler;
exports.GetCommandCenterHandler = GetCommandCenterHandler = __decorate([
    (0, cqrs_1.QueryHandler)(GetCommandCenterQuery)
], GetCommandCenterHandler);
let GetRunHandler = class GetRunHandler extends ReadHandler {
    read(q) {
        return q.sessionId ? this.queries.runOfSession(q.actor, q.sessionId, q.id) : this.queries.run(q.actor, q.id);
    }
};
exports.GetRunHandler = GetRunHandler;
exports.GetRunHandler = GetRunHandler = __decorate([
    (0, cqrs_1.QueryHandler)(GetRunQuery)
], GetRunHandler);
let ListRunsHandler = class ListRunsHandler extends ReadHandler {
    read(q) {
        return this.queries.runs(q.actor.organizationId, q.sessionId, q.first, q.cursor);
    }
};
exports.ListRunsHandler = ListRunsHandler;
exports.ListRunsHandler = ListRunsHandler = __decorate([
    (0, cqrs_1.QueryHandler)(ListRunsQuery)
], ListRunsHandler);
let GetToolCallsHandler = class GetToolCallsHandler extends ReadHandler {
    read(q) {
        return this.queries.toolCalls({ ...q.run, organizationId: q.actor.organizationId });
    }
};
exports.GetToolCallsHandler = GetToolCallsHandler;
exports.GetToolCallsHandler = GetToolCallsHandler = __decorate([
    (0, cqrs_1.QueryHandler)(GetToolCallsQuery)
], GetToolCallsHandler);
let GetTimelineHandler = class GetTimelineHandler extends ReadHandler {
    read(q) {
        return this.queries.timeline(q.actor, q.sessionId, q.afterSequence, q.first, q.types, q.runId);
    }
};
exports.GetTimelineHandler = GetTimelineHandler;
exports.GetTimelineHandler = GetTimelineHandler = __decorate([
    (0, cqrs_1.QueryHandler)(GetTimelineQuery)
], GetTimelineHandler);
let GetSessionAsOfHandler = class GetSessionAsOfHandler extends ReadHandler {
    read(q) {
        return this.queries.sessionAsOf(q.actor, q.id, q.sequence, q.at);
    }
};
exports.GetSessionAsOfHandler = GetSessionAsOfHandler;
exports.GetSessionAsOfHandler = GetSessionAsOfHandler = __decorate([
    (0, cqrs_1.QueryHandler)(GetSessionAsOfQuery)
], GetSessionAsOfHandler);
let GetUsageHandler = class GetUsageHandler extends ReadHandler {
    read(q) {
        return this.queries.usage(q.actor, q.filter, q.groupBy);
    }
};
exports.GetUsageHandler = GetUsageHandler;
exports.GetUsageHandler = GetUsageHandler = __decorate([
    (0, cqrs_1.QueryHandler)(GetUsageQuery)
], GetUsageHandler);
let ListManagedAgentsHandler = class ListManagedAgentsHandler extends ReadHandler {
    read(q) {
        return this.queries.managedAgents(q.actor, q.first, q.cursor);
    }
};
exports.ListManagedAgentsHandler = ListManagedAgentsHandler;
exports.ListManagedAgentsHandler = ListManagedAgentsHandler = __decorate([
    (0, cqrs_1.QueryHandler)(ListManagedAgentsQuery)
], ListManagedAgentsHandler);
let GetProjectionsHandler = class GetProjectionsHandler extends ReadHandler {
    read() {
        return this.queries.projections();
    }
};
exports.GetProjectionsHandler = GetProjectionsHandler;
exports.GetProjectionsHandler = GetProjectionsHandler = __decorate([
    (0, cqrs_1.QueryHandler)(GetProjectionsQuery)
], GetProjectionsHandler);
exports.QUERY_HANDLERS = [
    GetSessionHandler,
    GetChildrenHandler,
    ListSessionsHandler,
    GetCommandCenterHandler,
    GetRunHandler,
    ListRunsHandler,
    GetToolCallsHandler,
    GetTimelineHandler,
    GetSessionAsOfHandler,
    GetUsageHandler,
    ListManagedAgentsHandler,
    GetProjectionsHandler,
];
//# sourceMappingURL=queries.js.map
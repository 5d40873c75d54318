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
exports.SessionQueries = void 0;
exports.toTimelineEvent = toTimelineEvent;
const common_1 = require("@nestjs/common");
const domain_1 = require("../../../../libs/domain/src/index.js");
const event_store_1 = require("../../../../libs/event-store/src/index.js");
const projections_1 = require("../../../../libs/projections/src/index.js");
const ledger_config_1 = require("../config/ledger-config");
const clock_1 = require("../clock");
const cursor_1 = require("./cursor");
const presenters_1 = require("./presenters");
const ATTENTION_STATUSES = ['WAITING', 'PAUSED', 'BLOCKED'];
const ALWAYS_ACTIVE_GROUP_STATUSES = ['PENDING', 'QUEUED', 'PROVISIONING', 'RUNNING'];
const GROUP_STATUSES = {
    ATTENTION: ATTENTION_STATUSES,
    SUCCESS: ['COMPLETED', 'ENDED', 'CANCELLED'],
    PROBLEM: ['FAILED', 'REJECTED', 'TIMED_OUT'],
};
function escapeRegex(text) {
    return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
function plusSeconds(iso, seconds) {
    return new Date(Date.parse(iso) + seconds * 1000).toISOString();
}
/** Rows sorted newest activity first, strictly after a (lastActivityAt, _id) key. */
function afterKey(t, id) {
    return { $or: [{ lastActivityAt: { $lt: t } }, { lastActivityAt: t, _id: { $lt: id } }] };
}
const NEWEST_FIRST = { lastActivityAt: -1, _id: -1 };
/**
 * Every read of the contract. Reads go to the read models only, scoped to the caller's
 * organization in every filter; the timeline and sessionAsOf read the event store by design.
 */
let SessionQueries = class SessionQueries {
    engine;
    store;
    config;
    clock;
    constructor(engine, store, config, clock) {
        this.engine = engine;
        this.store = store;
        this.config = config;
        this.clock = clock;
    }
    now() {
        return this.clock().toISOString();
    }
    present(document, now = this.now()) {
        return (0, presenters_1.presentSession)(document, now, this.config.windows);
    }
    async session(actor, id) {
        if (!(0, domain_1.isSessionId)(id))
            return null;
        const document = await this.engine.collection(projections_1.SESSIONS).findOne({ _id: id, organizationId: actor.organizationId });
        return document ? this.present(document) : null;
    }
    async children(actor, parentId) {
        const now = this.now();
        const documents = await this.engine
            .collection(projections_1.SESSIONS)
            .find({ organizationId: actor.organizationId, parentSessionId: parentId }, { sort: NEWEST_FIRST, limit: 1000 });
        return documents.map((document) => this.present(document, now));
    }
    /** The Mongo filter for a SessionFilter, always inside the caller's organization. */
    async sessionFilter(actor, filter, now) {
        const and = [{ organizationId: actor.organizationId }];
        if (!filter)
            return and[0];
        if (filter.kinds?.length)
            and.push({ kind: { $in: filter.kinds } });
        if (filter.statuses?.length)
            and.push({ status: { $in: filter.statuses } });
        if (filter.statusGroups?.length) {
            const groups = [];
            for (const group of filter.statusGroups) {
                if (group === 'ACTIVE') {
                    groups.push({ status: { $in: ALWAYS_ACTIVE_GROUP_STATUSES } }, { status: 'OPEN', activeUntil: { $gt: now } });
                }
                else if (group === 'IDLE') {
                    groups.push({ status: 'OPEN', $or: [{ activeUntil: null }, { activeUntil: { $lte: now } }] });
                }
                else if (GROUP_STATUSES[group]) {
                    groups.push({ status: { $in: GROUP_STATUSES[group] } });
                }
            }
            and.push({ $or: groups });
        }
        if (filter.ownerIds?.length)
            and.push({ 'owner.id': { $in: filter.ownerIds } });
        if (filter.accountIds?.length)
            and.push({ accountId: { $in: filter.accountIds } });
        if (filter.initiative)
            and.push({ initiative: filter.initiative });
        if (filter.flowId)
            and.push({ flowId: filter.flowId });
        if (filter.tags?.length)
            and.push({ tags: { $all: filter.tags } });
        if (filter.parentSessionId)
            and.push({ parentSessionId: filter.parentSessionId });
        if (filter.activeOnly)
            and.push({ activeUntil: { $gt: now } });
        if (filter.lastActivityAfter)
            and.push({ lastActivityAt: { $gt: filter.lastActivityAfter } });
        if (filter.search) {
            if (filter.search.length > 200)
                throw domain_1.BadUserInputError.field('filter.search', 'must be at most 200 characters');
            and.push({ searchText: { $regex: escapeRegex(filter.search.toLowerCase()) } });
        }
        if (filter.metadata !== undefined && filter.metadata !== null) {
            if (typeof filter.metadata !== 'object' || Array.isArray(filter.metadata)) {
                throw domain_1.BadUserInputError.field('filter.metadata', 'must be a JSON object of key -> value');
            }
            for (const key of Object.keys(filter.metadata)) {
                if (!/^[A-Za-z0-9_-]{1,100}$/.test(key)) {
                    throw domain_1.BadUserInputError.field('filter.metadata', `key "${key.slice(0, 100)}" must be letters, digits, _ or -`);
                }
            }
            const entries = Object.entries(filter.metadata).map(([key, value]) => (0, projections_1.metadataEntry)(key, value));
            if (entries.length)
                and.push({ metadataEntries: { $all: entries } });
        }
        if (filter.pinnedOnly) {
            const pins = await this.engine.collection(projections_1.PINS).find({
                organizationId: actor.organizationId,
                principalKey: (0, projections_1.principalKey)(actor.principal.type, actor.principal.id),
                pinned: true,
            });
            and.push({ _id: { $in: pins.map((pin) => pin.sessionId) } });
        }
        return and.length === 1 ? and[0] : { $and: and };
    }
    /** Active first, then by last activity, newest first; keyset cursors within each part. */
    async sessions(actor, filter, first, after) {
        const size = (0, cursor_1.requirePageSize)(first, 500, 50);
        const cursor = (0, cursor_1.decodeCursor)(after, (c) => (c.phase === 0 || c.phase === 1) && typeof c.t === 'string' && typeof c.id === 'string' && typeof c.now === 'string');
        const now = cursor?.now ?? this.now();
        const base = await this.sessionFilter(actor, filter, now);
        const collection = this.engine.collection(projections_1.SESSIONS);
        const phases = [
            { activeUntil: { $gt: now } },
            { $or: [{ activeUntil: null }, { activeUntil: { $lte: now } }] },
        ];
        const rows = [];
        for (const phase of [0, 1]) {
            if (cursor && phase < cursor.phase)
                continue;
            const want = size + 1 - rows.length;
            if (want <= 0)
                break;
            const parts = [base, phases[phase]];
            if (cursor && cursor.phase === phase)
                parts.push(afterKey(cursor.t, cursor.id));
            const documents = await collection.find({ $and: parts }, { sort: NEWEST_FIRST, limit: want });
            rows.push(...documents.map((document) => ({ document, phase })));
        }
        const page = rows.slice(0, size);
        const edges = page.map(({ document, phase }) => ({
            cursor: (0, cursor_1.encodeCursor)({ phase, t: document.lastActivityAt, id: document._id, now }),
            node: this.present(document, now),
        }));
        return {
            edges,
            pageInfo: { hasNextPage: rows.length > size, endCursor: edges.length ? edges[edges.length - 1].cursor : (after ?? null) },
            totalCount: await collection.count(base),
        };
    }
    async commandCenter(actor, filter, limit) {
        const size = (0, cursor_1.requirePageSize)(limit, 1000, 100);
        const now = this.now();
        const base = await this.sessionFilter(actor, filter, now);
        const recentSince = plusSeconds(now, -this.config.windows.recentSeconds);
        const collection = this.engine.collection(projections_1.SESSIONS);
        const active = { $and: [base, { activeUntil: { $gt: now } }] };
        const recent = {
            $and: [base, { lastActivityAt: { $gt: recentSince } }, { $or: [{ activeUntil: null }, { activeUntil: { $lte: now } }] }],
        };
        // Attention among what the Command Center shows, counted as two index-bounded parts: the
        // active ones, and the recent ones that are not active.
        const attentionActive = { $and: [active, { status: { $in: ATTENTION_STATUSES } }] };
        const attentionRecent = { $and: [recent, { status: { $in: ATTENTION_STATUSES } }] };
        const [activeNow, recentRows, activeCount, recentCount, attentionActiveCount, attentionRecentCount] = await Promise.all([
            collection.find(active, { sort: NEWEST_FIRST, limit: size }),
            collection.find(recent, { sort: NEWEST_FIRST, limit: size }),
            collection.count(active),
            collection.count(recent),
            collection.count(attentionActive),
            collection.count(attentionRecent),
        ]);
        const attentionCount = attentionActiveCount + attentionRecentCount;
        return {
            activeNow: activeNow.map((document) => this.present(document, now)),
            recent: recentRows.map((document) => this.present(document, now)),
            counts: { active: activeCount, attention: attentionCount, recent: recentCount },
            generatedAt: now,
        };
    }
    async run(actor, id) {
        const [document] = await this.engine
            .collection(projections_1.RUNS)
            .find({ organizationId: actor.organizationId, runId: id }, { sort: { startedAt: -1 }, limit: 1 });
        return document ? (0, presenters_1.presentRun)(document) : null;
    }
    async runOfSession(actor, sessionId, runId) {
        const document = await this.engine
            .collection(projections_1.RUNS)
            .findOne({ _id: `${sessionId}/${runId}`, organizationId: actor.organizationId });
        return document ? (0, presenters_1.presentRun)(document) : null;
    }
    async runs(organizationId, sessionId, first, after) {
        const size = (0, cursor_1.requirePageSize)(first, 500, 50);
        const cursor = (0, cursor_1.decodeCursor)(after, (c) => typeof c.t === 'string' && typeof c.id === 'string');
        const parts = [{ organizationId, sessionId }];
        if (cursor)
            parts.push({ $or: [{ startedAt: { $gt: cursor.t } }, { startedAt: cursor.t, _id: { $gt: cursor.id } }] });
        const documents = await this.engine
            .collection(projections_1.RUNS)
            .find({ $and: parts }, { sort: { startedAt: 1, _id: 1 }, limit: size + 1 });
        const edges = documents.slice(0, size).map((document) => ({
            cursor: (0, cursor_1.encodeCursor)({ t: document.startedAt, id: document._id }),
            node: (0, presenters_1.presentRun)(document),
        }));
        return { edges, pageInfo: { hasNextPage: documents.length > size, endCursor: edges.length ? edges[edges.length - 1].cursor : (after ?? null) } };
    }
    async toolCalls(run) {
        const documents = await this.engine
            .collection(projections_1.TOOL_CALLS)
            .find({ organizationId: run.organizationId, sessionId: run.sessionId, runId: run.id }, { sort: { startedAt: 1, _id: 1 } });
        return documents.map(presenters_1.presentToolCall);
    }
    async usage(actor, filter, groupBy) {
        if (!(filter.from < filter.to))
            throw domain_1.BadUserInputError.field('filter.to', 'must be after filter.from');
        const match = {
            organizationId: actor.organizationId,
            bucketStart: { $gte: `${filter.from.slice(0, 13)}:00:00.000Z`, $lt: filter.to },
        };
        if (filter.accountIds?.length)
            match.accountId = { $in: filter.accountIds };
        if (filter.flowIds?.length)
            match.flowId = { $in: filter.flowIds };
        if (filter.models?.length)
            match.model = { $in: filter.models };
        if (filter.principalIds?.length)
            match['principal.id'] = { $in: filter.principalIds };
        if (filter.sessionIds?.length)
            match.sessionId = { $in: filter.sessionIds };
        const dimensions = [...new Set(groupBy)];
        const key = {};
        for (const dimension of dimensions) {
            switch (dimension) {
                case 'ACCOUNT':
                    key.accountId = '$accountId';
                    break;
                case 'FLOW':
                    key.flowId = '$flowId';
                    break;
                case 'MODEL':
                    key.model = '$model';
                    break;
                case 'PRINCIPAL':
                    key.principalKey = '$principalKey';
                    break;
                case 'SESSION':
                    key.sessionId = '$sessionId';
                    break;
                case 'DAY':
                    // With HOUR as well, the hour decides: it determines the day.
                    if (!dimensions.includes('HOUR'))
                        key.bucketStart = { $concat: [{ $substrCP: ['$bucketStart', 0, 10] }, 'T00:00:00.000Z'] };
                    break;
                case 'HOUR':
                    key.bucketStart = '$bucketStart';
                    break;
                default: {
                    const _never = dimension;
                    throw domain_1.BadUserInputError.field('groupBy', `unknown dimension ${String(_never)}`);
                }
            }
        }
        const sums = Object.fromEntries(['requests', 'inputTokens', 'outputTokens', 'cacheReadTokens', 'cacheWriteTokens', 'reasoningTokens', 'totalTokens', 'costUsd', 'unpricedRequests'].map((field) => [field, { $sum: `$usage.${field}` }]));
        const rows = await this.engine.collection(projections_1.USAGE_BUCKETS).aggregate([
            { $match: match },
            { $group: { _id: Object.keys(key).length ? key : null, principal: { $first: '$principal' }, ...sums } },
            { $sort: { _id: 1 } },
        ]);
        return rows.map((row) => {
            const id = row._id ?? {};
            const usage = (0, presenters_1.presentUsage)(Object.fromEntries(Object.keys(sums).map((field) => [field, Number(row[field] ?? 0)])));
            return {
                accountId: id.accountId ?? null,
                flowId: id.flowId ?? null,
                model: id.model ?? null,
                principal: 'principalKey' in id ? row.principal : null,
                sessionId: id.sessionId ?? null,
                bucketStart: id.bucketStart ?? null,
                usage,
            };
        });
    }
    async managedAgents(actor, first, after) {
        const size = (0, cursor_1.requirePageSize)(first, 500, 50);
        const cursor = (0, cursor_1.decodeCursor)(after, (c) => typeof c.t === 'string' && typeof c.id === 'string');
        const parts = [{ organizationId: actor.organizationId }];
        if (cursor)
            parts.push({ $or: [{ lastActivityAt: { $lt: cursor.t } }, { lastActivityAt: cursor.t, _id: { $gt: cursor.id } }] });
        const documents = await this.engine
            .collection(projections_1.MANAGED_AGENTS)
            .find({ $and: parts }, { sort: { lastActivityAt: -1, _id: 1 }, limit: size + 1 });
        const now = this.now();
        const sessions = this.engine.collection(projections_1.SESSIONS);
        const edges = await Promise.all(documents.slice(0, size).map(async (document) => {
            const active = await sessions.find({ organizationId: actor.organizationId, 'owner.type': 'MANAGED_AGENT', 'owner.id': document.principal.id, activeUntil: { $gt: now } }, { sort: NEWEST_FIRST, limit: 1 });
            return {
                cursor: (0, cursor_1.encodeCursor)({ t: document.lastActivityAt ?? '', id: document._id }),
                node: {
                    principal: document.principal,
                    sessionCount: document.sessionCount,
                    activeSession: active[0] ? this.present(active[0], now) : null,
                    lastActivityAt: document.lastActivityAt,
                    usage: (0, presenters_1.presentUsage)(document.usage),
                },
            };
        }));
        return { edges, pageInfo: { hasNextPage: documents.length > size, endCursor: edges.length ? edges[edges.length - 1].cursor : (after ?? null) } };
    }
    /** The session's organization, read from its first event; null when it does not exist. */
    async streamOrganization(sessionId) {
        const [first] = await this.store.readStream((0, domain_1.sessionStreamId)(sessionId), { fromRevision: 0, limit: 1 });
        return first ? first.metadata.organizationId : null;
    }
    async timeline(actor, sessionId, after, first, types, runId) {
        if (!Number.isInteger(after) || after < -1)
            throw domain_1.BadUserInputError.field('after', 'must be -1 or a sequence the client has seen');
        const size = (0, cursor_1.requirePageSize)(first, 1000, 100);
        if (!(0, domain_1.isSessionId)(sessionId) || (await this.streamOrganization(sessionId)) !== actor.organizationId) {
            return { events: [], lastSequence: after, hasMore: false };
        }
        const wanted = types?.length ? new Set(types) : null;
        const matches = (event) => (!wanted || wanted.has(event.type)) && (!runId || timelineRunId(event) === runId);
        const events = [];
        let from = after + 1;
        let hasMore = false;
        const chunk = Math.max(size + 1, 200);
        for (;;) {
            const batch = await this.store.readStream((0, domain_1.sessionStreamId)(sessionId), { fromRevision: from, limit: chunk });
            for (const event of batch) {
                if (!matches(event))
                    continue;
                if (events.length === size) {
                    hasMore = true;
                    break;
                }
                events.push(toTimelineEvent(sessionId, event));
            }
            if (hasMore || batch.length < chunk)
                break;
            from = batch[batch.length - 1].revision + 1;
        }
        return { events, lastSequence: events.length ? events[events.length - 1].sequence : after, hasMore };
    }
    /** The session as it stood after `sequence`, or at instant `at`, folded with the domain's evolve. */
    async sessionAsOf(actor, id, sequence, at) {
        if (sequence === null || sequence === undefined) {
            if (!at)
                throw domain_1.BadUserInputError.field('sequence', 'give sequence or at');
        }
        else if (!Number.isInteger(sequence) || sequence < 0) {
            throw domain_1.BadUserInputError.field('sequence', 'must be 0 or more');
        }
        if (!(0, domain_1.isSessionId)(id))
            return null;
        let state = (0, domain_1.initialState)();
        let from = 0;
        const limit = sequence === null || sequence === undefined ? 1000 : Math.min(1000, sequence + 1);
        outer: for (;;) {
            const batch = await this.store.readStream((0, domain_1.sessionStreamId)(id), { fromRevision: from, limit });
            for (const event of batch) {
                if (sequence !== null && sequence !== undefined && event.revision > sequence)
                    break outer;
                if (at && event.recordedAt.toISOString() > at)
                    break outer;
                state = (0, domain_1.evolve)(state, (0, domain_1.decodeSessionEvent)(event), event.revision);
            }
            if (batch.length < limit)
                break;
            from = batch[batch.length - 1].revision + 1;
        }
        const view = state.view;
        if (!view || view.organizationId !== actor.organizationId)
            return null;
        return (0, presenters_1.presentSession)(view, at ?? this.now(), this.config.windows);
    }
    projections() {
        return this.engine.statuses(this.clock().getTime());
    }
};
exports.SessionQueries = SessionQueries;
exports.SessionQueries = SessionQueries = __decorate([
    (0, common_1.Injectable)(),
    __param(1, (0, common_1.Inject)(event_store_1.EVENT_STORE)),
    __param(2, (0, common_1.Inject)(ledger_config_1.LEDGER_CONFIG)),
    __param(3, (0, common_1.Inject)(clock_1.CLOCK)),
    __metadata("design:paramtypes", [projections_1.ProjectionEngine, Object, Object, Function])
], SessionQueries);
function timelineRunId(event) {
    const data = event.data;
    return typeof data.runId === 'string' ? data.runId : null;
}
const LIFECYCLE = new Set(['SessionStarted', 'SessionUpdated', 'RunStarted', 'RunFinished', 'CheckpointResolved', 'SessionEnded']);
function toTimelineEvent(sessionId, recorded) {
    const event = (0, domain_1.decodeSessionEvent)(recorded);
    const data = LIFECYCLE.has(event.type) ? event.data : event.data.data;
    return {
        sessionId,
        sequence: recorded.revision,
        position: (0, event_store_1.formatPosition)(recorded.position),
        id: event.clientId ?? recorded.id,
        type: recorded.type,
        runId: timelineRunId(recorded),
        at: event.at,
        recordedAt: recorded.recordedAt.toISOString(),
        actor: recorded.metadata.actor,
        data,
    };
}
//# sourceMappingURL=session-queries.js.map
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
exports.LiveFeeds = exports.SLOW_SUBSCRIBER_CLOSE_CODE = void 0;
const common_1 = require("@nestjs/common");
const domain_1 = require("../../../../libs/domain/src/index.js");
const event_store_1 = require("../../../../libs/event-store/src/index.js");
const projections_1 = require("../../../../libs/projections/src/index.js");
const clock_1 = require("../clock");
const ledger_config_1 = require("../config/ledger-config");
const session_queries_1 = require("../read/session-queries");
const presenters_1 = require("../read/presenters");
const coalescing_queue_1 = require("./coalescing-queue");
/** WebSocket close code for a subscriber that fell too far behind (4000-4399 is the application's range). */
exports.SLOW_SUBSCRIBER_CLOSE_CODE = 4008;
const TIMELINE_PAGE = 500;
/**
 * The live views. Each subscription listens to the change feed (published by the projections
 * after their writes) and reads what changed from the read models, or for the timeline from the
 * event store; what it sends is therefore always something a query could read.
 */
let LiveFeeds = class LiveFeeds {
    feed;
    store;
    config;
    clock;
    engine;
    queries;
    constructor(feed, store, config, clock, engine, queries) {
        this.feed = feed;
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.engine = engine;
        this.queries = queries;
    }
    get capacity() {
        return this.config.live.subscriberBufferSize;
    }
    overflow(close) {
        return (capacity) => close(exports.SLOW_SUBSCRIBER_CLOSE_CODE, `subscriber too slow: more than ${capacity} changes pending; reconnect and resume`);
    }
    /** Every change to what commandCenter(filter) returns, including time passing (ACTIVE_NOW -> RECENT -> GONE). */
    async commandCenter(actor, filter, close) {
        const now = this.clock().toISOString();
        const sessions = this.engine.collection(projections_1.SESSIONS);
        const base = await this.queries.sessionFilter(actor, filter, now);
        const recentSince = new Date(Date.parse(now) - this.config.windows.recentSeconds * 1000).toISOString();
        // What the subscriber already has: the sections as commandCenter(filter) answers now.
        const known = new Map();
        for (const document of await sessions.find({ $and: [base, { $or: [{ activeUntil: { $gt: now } }, { lastActivityAt: { $gt: recentSince } }] }] })) {
            known.set(document._id, { section: this.sectionOf(document, now), sequence: document.sequence });
        }
        const queue = new coalescing_queue_1.CoalescingQueue(this.capacity, async (id) => {
            const at = this.clock().toISOString();
            const matching = await sessions.find({ $and: [await this.queries.sessionFilter(actor, filter, at), { _id: id }] }, { limit: 1 });
            const document = matching[0];
            const previous = known.get(id);
            const section = document ? this.sectionOf(document, at) : 'GONE';
            if (section === 'GONE') {
                if (!previous || previous.section === 'GONE')
                    return null;
                known.delete(id);
                const current = document ?? (await sessions.findOne({ _id: id, organizationId: actor.organizationId }));
                return current ? { section, session: this.present(current, at), at } : null;
            }
            if (previous && previous.section === section && previous.sequence === document.sequence)
                return null;
            known.set(id, { section, sequence: document.sequence });
            return { section, session: this.present(document, at), at };
        }, this.overflow(close));
        const stop = this.feed.subscribe((change) => {
            if (change.collection === projections_1.SESSIONS && change.organizationId === actor.organizationId)
                queue.push(change.id);
        });
        queue.onClose(stop);
        return queue;
    }
    /** The Session after every change. */
    async sessionChanged(actor, id, close) {
        const sessions = this.engine.collection(projections_1.SESSIONS);
        let lastSequence = -1;
        const queue = new coalescing_queue_1.CoalescingQueue(this.capacity, async () => {
            const document = await sessions.findOne({ _id: id, organizationId: actor.organizationId });
            if (!document || document.sequence === lastSequence)
                return null;
            lastSequence = document.sequence;
            return this.present(document, this.clock().toISOString());
        }, this.overflow(close));
        const stop = this.feed.subscribe((change) => {
            if (change.collection === projections_1.SESSIONS && change.id === id && change.organizationId === actor.organizationId)
                queue.push(id);
        });
        queue.onClose(stop);
        return queue;
    }
    /**
     * Every event with sequence > after, in order, then live. The subscriber's own cursor reads the
     * event store; the change feed only says "look again". Reading is paced by the subscriber, so a
     * slow one falls behind in the store, never in memory, and a replay racing new appends can
     * neither skip nor repeat a sequence.
     */
    timeline(actor, sessionId, after, types) {
        if (!Number.isInteger(after) || after < -1)
            throw domain_1.BadUserInputError.field('after', 'must be -1 or a sequence the client has seen');
        const store = this.store;
        const feed = this.feed;
        const wanted = types?.length ? new Set(types) : null;
        const stream = (0, domain_1.sessionStreamId)(sessionId);
        const pollMs = this.config.live.timelinePollMs;
        async function* events() {
            if (!(0, domain_1.isSessionId)(sessionId))
                return;
            const [first] = await store.readStream(stream, { fromRevision: 0, limit: 1 });
            if (!first || first.metadata.organizationId !== actor.organizationId)
                return;
            let cursor = after;
            let signal = null;
            let changed = false;
            const stop = feed.subscribe((change) => {
                if (change.collection === projections_1.SESSIONS && change.id === sessionId) {
                    changed = true;
                    signal?.();
                }
            });
            try {
                for (;;) {
                    changed = false;
                    const page = await store.readStream(stream, { fromRevision: cursor + 1, limit: TIMELINE_PAGE });
                    for (const event of page) {
                        cursor = event.revision;
                        if (!wanted || wanted.has(event.type))
                            yield (0, session_queries_1.toTimelineEvent)(sessionId, event);
                    }
                    if (page.length === TIMELINE_PAGE || changed)
                        continue;
                    await new Promise((resolve) => {
                        const timer = setTimeout(resolve, pollMs);
                        signal = () => {
                            clearTimeout(timer);
                            resolve();
                        };
                    });
                    signal = null;
                }
            }
            finally {
                stop();
            }
        }
        return events();
    }
    sectionOf(document, now) {
        if (document.activeUntil !== null && document.activeUntil > now)
            return 'ACTIVE_NOW';
        const recentUntil = new Date(Date.parse(document.lastActivityAt) + this.config.windows.recentSeconds * 1000).toISOString();
        return recentUntil > now ? 'RECENT' : 'GONE';
    }
    present(document, now) {
        return (0, presenters_1.presentSession)(document, now, this.config.windows);
    }
};
exports.LiveFeeds = LiveFeeds;
exports.LiveFeeds = LiveFeeds = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(projections_1.CHANGE_FEED)),
    __param(1, (0, common_1.Inject)(event_store_1.EVENT_STORE)),
    __param(2, (0, common_1.Inject)(ledger_config_1.LEDGER_CONFIG)),
    __param(3, (0, common_1.Inject)(clock_1.CLOCK)),
    __metadata("design:paramtypes", [Object, Object, Object, Function, projections_1.ProjectionEngine,
        session_queries_1.SessionQueries])
], LiveFeeds);
//# sourceMappingURL=live-feeds.js.map
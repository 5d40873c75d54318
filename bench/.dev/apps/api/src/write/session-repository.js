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
exports.SessionRepository = void 0;
const common_1 = require("@nestjs/common");
const domain_1 = require("../../../../libs/domain/src/index.js");
const event_store_1 = require("../../../../libs/event-store/src/index.js");
const CACHE_LIMIT = 10_000;
/**
 * Loads and saves sessions. Recently used sessions stay folded in memory at their revision and
 * catch up by reading only the events appended since, so loading costs O(new events), not
 * O(stream length). Events from other processes are picked up by that same catch-up read.
 */
let SessionRepository = class SessionRepository {
    store;
    cache = new Map();
    constructor(store) {
        this.store = store;
    }
    async load(sessionId) {
        const cached = this.cache.get(sessionId);
        const session = cached ?? {
            sessionId,
            state: (0, domain_1.initialState)(),
            revision: -1,
            eventIds: new Map(),
            lastPosition: null,
        };
        const fresh = await this.store.readStream((0, domain_1.sessionStreamId)(sessionId), { fromRevision: session.revision + 1 });
        for (const recorded of fresh)
            this.apply(session, recorded);
        this.remember(session);
        return session;
    }
    async append(session, events, context) {
        const expected = session.revision === -1 ? 'no_stream' : session.revision;
        const result = await this.store.append((0, domain_1.sessionStreamId)(session.sessionId), events.map((event) => ({
            id: event.id,
            type: event.type,
            data: event.data,
            metadata: {
                organizationId: context.actor.organizationId,
                actor: context.actor.principal,
                correlationId: context.correlationId,
                causationId: context.causationId,
                schemaVersion: domain_1.SESSION_EVENT_SCHEMA_VERSION,
                redactions: context.redactions.get(event.id) ?? [],
                occurredAt: event.at,
                ...(event.clientId ? { clientEventId: event.clientId } : {}),
            },
        })), expected);
        const firstRevision = result.nextRevision - events.length + 1;
        events.forEach((event, index) => {
            session.state = (0, domain_1.evolve)(session.state, event, firstRevision + index);
            session.eventIds.set(event.id, firstRevision + index);
        });
        session.revision = result.nextRevision;
        session.lastPosition = result.position;
        return { firstRevision, lastRevision: result.nextRevision, position: result.position };
    }
    /** Drops a session whose in-memory state may be ahead of or behind the store, e.g. after a failed append. */
    forget(sessionId) {
        this.cache.delete(sessionId);
    }
    apply(session, recorded) {
        session.state = (0, domain_1.evolve)(session.state, (0, domain_1.decodeSessionEvent)(recorded), recorded.revision);
        session.eventIds.set(recorded.id, recorded.revision);
        session.revision = recorded.revision;
        session.lastPosition = recorded.position;
    }
    remember(session) {
        if (session.revision === -1)
            return;
        this.cache.delete(session.sessionId);
        this.cache.set(session.sessionId, session);
        if (this.cache.size > CACHE_LIMIT) {
            const oldest = this.cache.keys().next().value;
            if (oldest !== undefined)
                this.cache.delete(oldest);
        }
    }
};
exports.SessionRepository = SessionRepository;
exports.SessionRepository = SessionRepository = __decorate([
    (0, common_1.Injectable)(),
    __param(0, (0, common_1.Inject)(event_store_1.EVENT_STORE)),
    __metadata("design:paramtypes", [Object])
], SessionRepository);
//# sourceMappingURL=session-repository.js.map
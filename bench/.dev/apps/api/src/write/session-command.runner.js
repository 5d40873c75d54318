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
exports.SessionCommandRunner = exports.MAX_CONFLICT_RETRIES = void 0;
const common_1 = require("@nestjs/common");
const domain_1 = require("../../../../libs/domain/src/index.js");
const event_store_1 = require("../../../../libs/event-store/src/index.js");
const keyed_lock_1 = require("./keyed-lock");
const session_repository_1 = require("./session-repository");
exports.MAX_CONFLICT_RETRIES = 5;
/**
 * The generic command handler: load the session, decide, append with the expected revision.
 * A revision conflict (another process appended first) is retried a bounded number of times
 * on fresh state, then surfaces as CONFLICT.
 */
let SessionCommandRunner = class SessionCommandRunner {
    repository;
    locks = new keyed_lock_1.KeyedLock();
    inFlight = new Set();
    constructor(repository) {
        this.repository = repository;
    }
    /** On SIGTERM/SIGINT, commands under way finish their appends before the stores close. */
    async beforeApplicationShutdown() {
        await Promise.allSettled([...this.inFlight]);
    }
    execute(command, context) {
        const work = this.run(command, context);
        this.inFlight.add(work);
        const forget = () => this.inFlight.delete(work);
        work.then(forget, forget);
        return work;
    }
    run(command, context) {
        return this.locks.run(command.sessionId, async () => {
            for (let attempt = 1;; attempt += 1) {
                const session = await this.repository.load(command.sessionId);
                const { effective, deduplicatedRevisions } = withoutStoredEvents(command, session);
                if (effective === null) {
                    return { session, appended: null, events: [], deduplicated: deduplicatedRevisions.length, deduplicatedRevisions };
                }
                const events = (0, domain_1.decide)(effective, session.state);
                const deduplicated = deduplicatedRevisions.length;
                if (events.length === 0)
                    return { session, appended: null, events, deduplicated, deduplicatedRevisions: [] };
                try {
                    const appended = await this.repository.append(session, events, context);
                    return { session, appended, events, deduplicated, deduplicatedRevisions: [] };
                }
                catch (error) {
                    this.repository.forget(command.sessionId);
                    if (!(error instanceof event_store_1.WrongExpectedRevisionError))
                        throw error;
                    if (attempt >= exports.MAX_CONFLICT_RETRIES) {
                        throw new domain_1.ConflictError(`session ${command.sessionId} kept changing while this command was applied (${attempt} attempts); retry with the same ids`);
                    }
                }
            }
        });
    }
};
exports.SessionCommandRunner = SessionCommandRunner;
exports.SessionCommandRunner = SessionCommandRunner = __decorate([
    (0, common_1.Injectable)(),
    __metadata("design:paramtypes", [session_repository_1.SessionRepository])
], SessionCommandRunner);
/**
 * A retried appendRunEvents carries ids already stored: those events are dropped before deciding,
 * so they are stored once. When all of them were stored, the command is a no-op.
 */
function withoutStoredEvents(command, session) {
    if (command.type !== 'AppendRunEvents')
        return { effective: command, deduplicatedRevisions: [] };
    const deduplicatedRevisions = [];
    const fresh = command.events.filter((event) => {
        const revision = session.eventIds.get(event.id);
        if (revision === undefined)
            return true;
        deduplicatedRevisions.push(revision);
        return false;
    });
    if (fresh.length === command.events.length)
        return { effective: command, deduplicatedRevisions };
    if (fresh.length === 0)
        return { effective: null, deduplicatedRevisions };
    // The client's expectedSequence described the batch as first sent; the stored part moved the session on.
    const effective = { ...command, events: fresh, expectedSequence: null };
    return { effective, deduplicatedRevisions };
}
//# sourceMappingURL=session-command.runner.js.map
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
exports.TimeScheduler = void 0;
const common_1 = require("@nestjs/common");
const cqrs_1 = require("@nestjs/cqrs");
const domain_1 = require("../../../../libs/domain/src/index.js");
const event_store_1 = require("../../../../libs/event-store/src/index.js");
const projections_1 = require("../../../../libs/projections/src/index.js");
const clock_1 = require("../clock");
const ledger_config_1 = require("../config/ledger-config");
const commands_1 = require("../write/commands");
/** setTimeout's longest delay; a later instant is reached by waking early and re-arming. */
const MAX_DELAY_MS = 2_147_000_000;
const REARM_DEBOUNCE_MS = 20;
/**
 * Time passes without events. This wakes at the next stored instant (a session's activeUntil,
 * the end of its recent window, a RUNTIME's idle deadline), announces the sessions whose section
 * changed on the change feed, and times out idle RUNTIME sessions with a real event. It scans no
 * documents: each wake is a few index range reads.
 */
let TimeScheduler = class TimeScheduler {
    engine;
    commands;
    feed;
    clock;
    config;
    logger = new common_1.Logger('TimeScheduler');
    timer = null;
    armedFor = null;
    lastWake;
    stopFeed = null;
    rearmPending = null;
    stopped = false;
    running = Promise.resolve();
    constructor(engine, commands, feed, clock, config) {
        this.engine = engine;
        this.commands = commands;
        this.feed = feed;
        this.clock = clock;
        this.config = config;
        this.lastWake = this.clock().toISOString();
    }
    async onApplicationBootstrap() {
        this.stopFeed = this.feed.subscribe((change) => {
            if (change.collection === projections_1.SESSIONS && change.projection !== 'scheduler')
                this.rearmSoon();
        });
        // Deadlines that passed while no process was running are handled now: the timer survives restarts.
        void this.engine.waitForHead(60_000).then(() => this.wake());
    }
    async onApplicationShutdown() {
        this.stopped = true;
        this.stopFeed?.();
        if (this.timer)
            clearTimeout(this.timer);
        if (this.rearmPending)
            clearTimeout(this.rearmPending);
        await this.running;
    }
    rearmSoon() {
        if (this.rearmPending || this.stopped)
            return;
        this.rearmPending = setTimeout(() => {
            this.rearmPending = null;
            void this.arm();
        }, REARM_DEBOUNCE_MS);
    }
    recentMs() {
        return this.config.windows.recentSeconds * 1000;
    }
    /** The next instant at which some session changes section or times out. */
    async nextInstant(now) {
        const sessions = this.engine.collection(projections_1.SESSIONS);
        const [active] = await sessions.find({ activeUntil: { $gt: now, $lt: domain_1.FOREVER } }, { sort: { activeUntil: 1 }, limit: 1 });
        const since = new Date(Date.parse(now) - this.recentMs()).toISOString();
        const [recent] = await sessions.find({ lastActivityAt: { $gt: since } }, { sort: { lastActivityAt: 1 }, limit: 1 });
        const [idle] = await sessions.find({ idleDeadline: { $gt: now } }, { sort: { idleDeadline: 1 }, limit: 1 });
        const [overdue] = await sessions.find({ idleDeadline: { $lte: now } }, { limit: 1 });
        const candidates = [
            overdue ? Date.parse(now) + 1000 : null,
            active?.activeUntil ? Date.parse(active.activeUntil) : null,
            recent ? Date.parse(recent.lastActivityAt) + this.recentMs() : null,
            idle?.idleDeadline ? Date.parse(idle.idleDeadline) : null,
        ].filter((t) => t !== null);
        return candidates.length ? Math.min(...candidates) : null;
    }
    async arm() {
        if (this.stopped)
            return;
        const now = this.clock();
        const next = await this.nextInstant(now.toISOString());
        if (next === null)
            return;
        if (this.armedFor !== null && this.armedFor <= next && this.timer)
            return;
        if (this.timer)
            clearTimeout(this.timer);
        this.armedFor = next;
        // One millisecond past the instant, so that "active until t" is over when we look.
        const delay = Math.min(Math.max(0, next - now.getTime() + 1), MAX_DELAY_MS);
        this.timer = setTimeout(() => {
            this.timer = null;
            this.armedFor = null;
            void this.wake();
        }, delay);
    }
    wake() {
        this.running = this.running.then(() => this.process()).catch((error) => {
            this.logger.error(`scheduler wake failed: ${error.message}`);
        });
        return this.running.then(() => this.arm());
    }
    async process() {
        if (this.stopped)
            return;
        const sessions = this.engine.collection(projections_1.SESSIONS);
        const from = this.lastWake;
        const now = this.clock().toISOString();
        this.lastWake = now;
        const recentMs = this.recentMs();
        const shift = (iso, ms) => new Date(Date.parse(iso) + ms).toISOString();
        const wentQuiet = await sessions.find({ activeUntil: { $gt: from, $lte: now } });
        const agedOut = await sessions.find({ lastActivityAt: { $gt: shift(from, -recentMs), $lte: shift(now, -recentMs) } });
        for (const document of [...wentQuiet, ...agedOut]) {
            this.feed.publish({ projection: 'scheduler', collection: projections_1.SESSIONS, organizationId: document.organizationId, id: document._id, position: event_store_1.START_POSITION });
        }
        const idle = await sessions.find({ idleDeadline: { $lte: now } });
        for (const document of idle)
            await this.timeOut(document, now);
    }
    /** A real event, written once even with several processes: the expected revision and a deterministic id guard it. */
    async timeOut(document, at) {
        try {
            await this.commands.execute(new commands_1.ExecuteSessionCommand({
                type: 'TimeOutSession',
                sessionId: document._id,
                actor: { organizationId: document.organizationId, principal: domain_1.SYSTEM_PRINCIPAL, roles: [] },
                at,
                eventId: (0, domain_1.deterministicUuid)(document._id, 'TimedOut', String(document.sequence)),
            }, `idle-timeout-${document._id}`));
        }
        catch (error) {
            this.logger.warn(`could not time out ${document._id}; will retry at the next wake: ${error.message}`);
        }
    }
};
exports.TimeScheduler = TimeScheduler;
exports.TimeScheduler = TimeScheduler = __decorate([
    (0, common_1.Injectable)(),
    __param(2, (0, common_1.Inject)(projections_1.CHANGE_FEED)),
    __param(3, (0, common_1.Inject)(clock_1.CLOCK)),
    __param(4, (0, common_1.Inject)(ledger_config_1.LEDGER_CONFIG)),
    __metadata("design:paramtypes", [projections_1.ProjectionEngine,
        cqrs_1.CommandBus, Object, Function, Object])
], TimeScheduler);
//# sourceMappingURL=time-scheduler.js.map
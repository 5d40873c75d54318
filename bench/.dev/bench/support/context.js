"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.BenchContext = exports.OTHER_ORG = exports.QUERIED_ORG = exports.SIZES = void 0;
exports.fmt = fmt;
const node_path_1 = require("node:path");
const data_1 = require("../data");
const cleanup_1 = require("./cleanup");
const domain_writer_1 = require("./domain-writer");
const fill_1 = require("./fill");
const progress_1 = require("./progress");
exports.SIZES = {
    small: {
        batchedEvents: 50_000,
        singleEvents: 2_000,
        growthRevision: 20_000,
        growthEvents: 10_000,
        datasetSessions: 10_000,
        datasetRunEvents: 100_000,
        ingestClients: 8,
        ingestBatchesPerClient: 25,
        queryRequests: 100,
        deepPages: 20,
    },
    full: {
        batchedEvents: 500_000,
        singleEvents: 20_000,
        growthRevision: 100_000,
        growthEvents: 50_000,
        datasetSessions: 100_000,
        datasetRunEvents: 1_000_000,
        ingestClients: 8,
        ingestBatchesPerClient: 250,
        queryRequests: 200,
        deepPages: 20,
    },
};
exports.QUERIED_ORG = 'bench';
exports.OTHER_ORG = 'bench-other';
/**
 * What scenarios share: sizes, the seed, the catalog, temp dirs, and fixtures built once per
 * run (the query dataset serves scenarios 5, 8 and 9). Results collect here.
 */
class BenchContext {
    options;
    sizes;
    rows = [];
    details = {};
    catalogCache = null;
    datasetPromise = null;
    /** Fixtures with a lifetime (e.g. a loaded server), released at the end of the run. */
    releases = [];
    shared = new Map();
    constructor(options) {
        this.options = options;
        this.sizes = exports.SIZES[options.scale];
    }
    prng(label) {
        return new data_1.Prng(this.options.seed).fork(label);
    }
    get catalog() {
        this.catalogCache ??= (0, data_1.makeCatalog)(new data_1.Prng(this.options.seed));
        return this.catalogCache;
    }
    /** Node flags for a child process: its heap limit, and a CPU profile when asked for. */
    childArgs(name) {
        const args = this.options.childHeapMiB ? [`--max-old-space-size=${this.options.childHeapMiB}`] : [];
        if (this.options.cpuProfDir)
            args.push('--cpu-prof', `--cpu-prof-dir=${this.options.cpuProfDir}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`);
        return args;
    }
    add(...rows) {
        this.rows.push(...rows);
    }
    detail(scenario, value) {
        this.details[scenario] = value;
    }
    /** The query dataset (100 000 sessions and 1 000 000 run events at full scale), filled once. */
    dataset() {
        this.datasetPromise ??= this.buildDataset();
        return this.datasetPromise;
    }
    async buildDataset() {
        const dir = cleanup_1.cleanup.tempDir('dataset');
        const file = (0, node_path_1.join)(dir, 'events.sqlite');
        const { datasetSessions, datasetRunEvents } = this.sizes;
        // Whole minutes, so the same seed gives the same data within a minute.
        const nowMs = Math.floor(Date.now() / 60_000) * 60_000;
        const planner = new data_1.SessionPlanner(this.prng('dataset'), this.catalog, {
            seed: this.options.seed,
            sessions: datasetSessions,
            runEvents: datasetRunEvents,
            now: nowMs,
            spanDays: 30,
            organization: exports.QUERIED_ORG,
            otherOrganization: exports.OTHER_ORG,
            otherShare: 0.05,
        });
        const summary = await (0, fill_1.fillStore)(file, planner.plans(), {
            builder: new domain_writer_1.StreamBuilder(this.prng('dataset-ids')),
            totalRunEvents: datasetRunEvents,
            label: `filling ${fmt(datasetSessions)} sessions / ${fmt(datasetRunEvents)} run events`,
        });
        (0, progress_1.log)(`dataset: ${fmt(summary.sessions)} sessions (${fmt(summary.sessionsByOrganization[exports.QUERIED_ORG] ?? 0)} in "${exports.QUERIED_ORG}"), ` +
            `${fmt(summary.runEvents)} run events, ${fmt(summary.events)} events in all, ${fmt(summary.openSessions)} still open, ` +
            `${fmt(summary.redactedEvents)} redacted`);
        this.detail('dataset', {
            sessions: summary.sessions,
            runEvents: summary.runEvents,
            events: summary.events,
            jsonBytes: summary.bytes,
            openSessions: summary.openSessions,
            redactedEvents: summary.redactedEvents,
            sessionsByOrganization: summary.sessionsByOrganization,
            fillMs: summary.ms,
        });
        return { dir, file, summary, now: nowMs };
    }
    /** A fixture built once and shared between scenarios (e.g. the server loaded with the dataset). */
    async sharedFixture(name, build) {
        if (!this.shared.has(name)) {
            const promise = build().then(({ value, release }) => {
                this.releases.push(release);
                return value;
            });
            this.shared.set(name, promise);
            promise.catch(() => this.shared.delete(name));
        }
        return this.shared.get(name);
    }
    /** Releases a shared fixture early (e.g. stop a server nobody needs any more). */
    async releaseAll() {
        while (this.releases.length) {
            const release = this.releases.pop();
            await release().catch((error) => (0, progress_1.log)(`release failed: ${error.message}`));
        }
        this.shared.clear();
    }
}
exports.BenchContext = BenchContext;
function fmt(n) {
    return Math.round(n)
        .toString()
        .replace(/\B(?=(\d{3})+(?!\d))/g, ' ');
}
//# sourceMappingURL=context.js.map
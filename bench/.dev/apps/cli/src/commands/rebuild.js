"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.rebuildCommand = rebuildCommand;
const cli_progress_1 = require("cli-progress");
const errors_1 = require("../errors");
const projection_progress_1 = require("../projection-progress");
const projection_lookup_1 = require("./projection-lookup");
const POLL_MS = 250;
const PLAIN_LINE_EVERY_MS = 2000;
const REBUILD_MUTATION = `mutation Rebuild($name: String!) { rebuildProjection(name: $name) { ${projection_progress_1.PROJECTION_FIELDS} } }`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
/**
 * Starts a blue/green rebuild and watches the projections query until the new version is LIVE
 * (exit 0) or FAILED (exit 1), with a progress bar on a terminal and plain lines otherwise.
 */
async function rebuildCommand(client, name, terminal) {
    const before = await (0, projection_lookup_1.requireProjection)(client, name);
    const started = Date.now();
    const accepted = (await client.request(REBUILD_MUTATION, { name })).rebuildProjection;
    terminal.err(`rebuilding ${name}: version ${before.version} -> ${Math.max(accepted.version, before.version + 1)}; the live version keeps serving meanwhile`);
    const bar = terminal.interactive
        ? new cli_progress_1.SingleBar({
            format: `${name} [{bar}] {percentage}% | {processed} events | {rate} events/s | lag {lag} | {state} | {elapsed}`,
            stream: terminal.stdout,
            hideCursor: true,
            barsize: 30,
            fps: 8,
        }, cli_progress_1.Presets.shades_classic)
        : null;
    bar?.start(1000, 0, { processed: '0', rate: '0', lag: '0', state: 'starting', elapsed: '0.0 s' });
    let interrupted = false;
    const removeHandler = terminal.onInterrupt(() => {
        interrupted = true;
    });
    let lastPlainLine = 0;
    try {
        for (;;) {
            if (interrupted) {
                bar?.stop();
                terminal.err(`stopped watching; the rebuild of ${name} goes on on the server (see the projections query)`);
                return 130;
            }
            const phase = (0, projection_progress_1.rebuildPhase)(name, before.version, await (0, projection_lookup_1.projections)(client));
            const elapsed = Date.now() - started;
            if (bar) {
                const status = phase.status;
                bar.update(Math.round((phase.kind === 'running' ? phase.progress : 1) * 1000), {
                    processed: (0, projection_progress_1.formatCount)(status?.processedEvents ?? 0),
                    rate: (0, projection_progress_1.formatCount)(status?.eventsPerSecond ?? 0),
                    lag: (0, projection_progress_1.formatCount)(status?.lagEvents ?? 0),
                    state: (0, projection_progress_1.phaseLabel)(before.version, phase),
                    elapsed: (0, projection_progress_1.formatDuration)(elapsed),
                });
            }
            else if (phase.kind !== 'running' || elapsed - lastPlainLine >= PLAIN_LINE_EVERY_MS || lastPlainLine === 0) {
                lastPlainLine = Math.max(elapsed, 1);
                terminal.out((0, projection_progress_1.formatProgressLine)(name, before.version, phase, elapsed));
            }
            if (phase.kind === 'failed') {
                bar?.stop();
                throw new errors_1.CommandFailed(`the rebuild of ${name} FAILED (version ${phase.status.version}); the previous version stays live`);
            }
            if (phase.kind === 'done') {
                bar?.stop();
                const summary = { name, fromVersion: before.version, toVersion: phase.status.version, events: phase.status.processedEvents, durationMs: Date.now() - started };
                (0, projection_progress_1.formatRebuildSummary)(summary).forEach((line) => terminal.out(line));
                return errors_1.EXIT.ok;
            }
            await sleep(POLL_MS);
        }
    }
    finally {
        removeHandler();
    }
}
//# sourceMappingURL=rebuild.js.map
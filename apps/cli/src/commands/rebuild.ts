import { Presets, SingleBar } from 'cli-progress';
import { LedgerClient } from '../api-client';
import { CommandFailed, EXIT } from '../errors';
import { formatCount, formatDuration, formatProgressLine, formatRebuildSummary, phaseLabel, PROJECTION_FIELDS, ProjectionStatus, rebuildPhase } from '../projection-progress';
import { Terminal } from '../terminal';
import { projections, requireProjection } from './projection-lookup';

const POLL_MS = 250;
const PLAIN_LINE_EVERY_MS = 2000;

const REBUILD_MUTATION = `mutation Rebuild($name: String!) { rebuildProjection(name: $name) { ${PROJECTION_FIELDS} } }`;

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Starts a blue/green rebuild and watches the projections query until the new version is LIVE
 * (exit 0) or FAILED (exit 1), with a progress bar on a terminal and plain lines otherwise.
 */
export async function rebuildCommand(client: LedgerClient, name: string, terminal: Terminal): Promise<number> {
  const before = await requireProjection(client, name);
  const started = Date.now();
  const accepted = (await client.request<{ rebuildProjection: ProjectionStatus }>(REBUILD_MUTATION, { name })).rebuildProjection;
  terminal.err(`rebuilding ${name}: version ${before.version} -> ${Math.max(accepted.version, before.version + 1)}; the live version keeps serving meanwhile`);

  const bar = terminal.interactive
    ? new SingleBar(
        {
          format: `${name} [{bar}] {percentage}% | {processed} events | {rate} events/s | lag {lag} | {state} | {elapsed}`,
          stream: terminal.stdout,
          hideCursor: true,
          barsize: 30,
          fps: 8,
        },
        Presets.shades_classic,
      )
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
      const phase = rebuildPhase(name, before.version, await projections(client));
      const elapsed = Date.now() - started;
      if (bar) {
        const status = phase.status;
        bar.update(Math.round((phase.kind === 'running' ? phase.progress : 1) * 1000), {
          processed: formatCount(status?.processedEvents ?? 0),
          rate: formatCount(status?.eventsPerSecond ?? 0),
          lag: formatCount(status?.lagEvents ?? 0),
          state: phaseLabel(before.version, phase),
          elapsed: formatDuration(elapsed),
        });
      } else if (phase.kind !== 'running' || elapsed - lastPlainLine >= PLAIN_LINE_EVERY_MS || lastPlainLine === 0) {
        lastPlainLine = Math.max(elapsed, 1);
        terminal.out(formatProgressLine(name, before.version, phase, elapsed));
      }
      if (phase.kind === 'failed') {
        bar?.stop();
        throw new CommandFailed(`the rebuild of ${name} FAILED (version ${phase.status.version}); the previous version stays live`);
      }
      if (phase.kind === 'done') {
        bar?.stop();
        const summary = { name, fromVersion: before.version, toVersion: phase.status.version, events: phase.status.processedEvents, durationMs: Date.now() - started };
        formatRebuildSummary(summary).forEach((line) => terminal.out(line));
        return EXIT.ok;
      }
      await sleep(POLL_MS);
    }
  } finally {
    removeHandler();
  }
}

import { sessionIdFromStream } from '@ledger/domain';
import { BenchContext, Dataset, fmt, OTHER_ORG, QUERIED_ORG } from '../support/context';
import { GraphQLClient, httpStatus } from '../support/graphql';
import { log } from '../support/progress';
import { BenchKey, INGEST_KEY, ServerProcess, sleep, VIEWER_KEY } from '../support/server';
import { now } from '../support/stats';

const OTHER_VIEWER_KEY: BenchKey = {
  key: 'bench-other-viewer-key-01',
  organizationId: OTHER_ORG,
  principal: { type: 'USER', id: 'bench-other-viewer' },
  roles: ['VIEWER'],
};

export interface LoadedServer {
  server: ServerProcess;
  dataset: Dataset;
  /** Spawn to HTTP listening. */
  listeningMs: number;
  /** Spawn to every read model rebuilt from the event store (every projection LIVE, no lag). */
  readyMs: number;
  /** Peak RSS of that first server, which rebuilt the read models from the event store. */
  firstStartPeakRss: number | null;
  /** SIGTERM to exit of the first server: projections stop, the last snapshot is written. */
  gracefulStopMs: number;
  /** The second start on the same DATA_DIR: spawn to GET /health 200 (read models live from the snapshot). */
  restartReadyMs: number;
  /** Spawn to listening, second start. */
  restartListeningMs: number;
  viewer: GraphQLClient;
}

const READY_TIMEOUT_MS = 60 * 60_000;
const PROJECTIONS = `{ projections { name state lagEvents processedEvents } }`;
const SESSION_SEQUENCE = `query($id: ID!) { session(id: $id) { sequence } }`;

/**
 * The api server started on the query dataset's DATA_DIR: it rebuilds its in-memory read models
 * from the event store at start, which is timed here (wanted in the README). Shared by
 * scenarios 8 and 9 and stopped at the end of the run.
 *
 * Readiness is polled cheaply (the session of the store's last event reaching that event's
 * sequence, i.e. the sessions projection at the head), and only then through `projections`,
 * whose lag count reads up to 100 000 events per projection and would slow the rebuild it
 * measures if polled early.
 */
export function loadedServer(ctx: BenchContext): Promise<LoadedServer> {
  return ctx.sharedFixture('loaded-server', async () => {
    const dataset = await ctx.dataset();
    const { summary } = dataset;
    log(`[8] starting the api server on ${fmt(summary.events)} events (it rebuilds its read models at start)`);
    const spawned = now();
    const server = await ServerProcess.start({
      dataDir: dataset.dir,
      keys: [VIEWER_KEY, OTHER_VIEWER_KEY, INGEST_KEY],
      nodeArgs: ctx.childArgs('api-queries'),
    });
    const listeningMs = now() - spawned;
    const viewer = new GraphQLClient(server.port, VIEWER_KEY.key, 4);
    const lastOrgKey = summary.lastOrganizationId === QUERIED_ORG ? VIEWER_KEY : OTHER_VIEWER_KEY;
    const probe = new GraphQLClient(server.port, lastOrgKey.key, 1);
    try {
      const lastSession = sessionIdFromStream(summary.lastStreamId);
      let lastReport = now();
      const deadline = now() + READY_TIMEOUT_MS;
      for (;;) {
        if (now() > deadline) throw new Error(`the read models were not rebuilt within ${READY_TIMEOUT_MS / 60_000} minutes`);
        // A busy server may close an idle keep-alive socket just as the poll reuses it: poll again.
        const answer = await probe.request<{ session: { sequence: number } | null }>(SESSION_SEQUENCE, { id: lastSession }).catch((error: unknown) => {
          if (isSocketReset(error) && server.child.exitCode === null) return { session: null };
          throw error;
        });
        if ((answer.session?.sequence ?? -1) >= summary.lastRevision) break;
        if (now() - lastReport > 30_000) {
          lastReport = now();
          log(`[8] read models rebuilding: ${((now() - spawned) / 1000).toFixed(0)} s since spawn`);
        }
        await sleep(100);
      }
      for (;;) {
        const { projections } = await viewer.request<{ projections: { name: string; state: string; lagEvents: number }[] }>(PROJECTIONS).catch((error: unknown) => {
          if (isSocketReset(error) && server.child.exitCode === null) return { projections: [{ name: 'retry', state: 'CATCHING_UP', lagEvents: 1 }] };
          throw error;
        });
        const failed = projections.filter((p) => p.state === 'FAILED');
        if (failed.length) throw new Error(`projections failed at start: ${failed.map((p) => p.name).join(', ')}\n${server.recentOutput()}`);
        if (projections.every((p) => p.lagEvents === 0 && p.state === 'LIVE')) break;
        await sleep(100);
      }
    } catch (error) {
      viewer.close();
      const output = server.recentOutput();
      await server.stop();
      throw new Error(`${(error as Error).message}${output ? `\nserver output:\n${output}` : ''}`);
    } finally {
      probe.close();
    }
    const readyMs = now() - spawned;
    log(`[8] server listening after ${(listeningMs / 1000).toFixed(1)} s, read models rebuilt after ${(readyMs / 1000).toFixed(1)} s`);
    // What a user meets after a restart: a graceful stop (the last snapshot), then a start on the same DATA_DIR.
    const firstStartPeakRss = server.memory()?.peakRss ?? null;
    viewer.close();
    const stopping = now();
    await server.stop(10 * 60_000);
    const gracefulStopMs = now() - stopping;
    log(`[8] stopped gracefully in ${(gracefulStopMs / 1000).toFixed(1)} s; starting again on the same data`);
    const respawned = now();
    const restarted = await ServerProcess.start({
      dataDir: dataset.dir,
      keys: [VIEWER_KEY, OTHER_VIEWER_KEY, INGEST_KEY],
      nodeArgs: ctx.childArgs('api-queries-restart'),
    });
    const restartListeningMs = now() - respawned;
    const restartDeadline = now() + READY_TIMEOUT_MS;
    while ((await httpStatus(restarted.port, '/health', 2000)) !== 200) {
      if (now() > restartDeadline) {
        await restarted.stop();
        throw new Error(`the restarted server was not ready within ${READY_TIMEOUT_MS / 60_000} minutes`);
      }
      await sleep(20);
    }
    const restartReadyMs = now() - respawned;
    log(`[8] restart: listening after ${(restartListeningMs / 1000).toFixed(1)} s, ready after ${(restartReadyMs / 1000).toFixed(2)} s`);
    const restartedViewer = new GraphQLClient(restarted.port, VIEWER_KEY.key, 4);
    const answer = await restartedViewer.request<{ session: { sequence: number } | null }>(SESSION_SEQUENCE, { id: sessionIdFromStream(summary.lastStreamId) }).catch(() => null);
    if (summary.lastOrganizationId === QUERIED_ORG && (answer?.session?.sequence ?? -1) < summary.lastRevision) {
      restartedViewer.close();
      await restarted.stop();
      throw new Error('the restarted server answered ready without the last event in its read models');
    }
    return {
      value: { server: restarted, dataset, listeningMs, readyMs, firstStartPeakRss, gracefulStopMs, restartReadyMs, restartListeningMs, viewer: restartedViewer },
      release: async () => {
        restartedViewer.close();
        await restarted.stop();
      },
    };
  });
}

function isSocketReset(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ECONNRESET' || code === 'EPIPE' || /ECONNRESET|socket hang up/.test(String((error as Error)?.message));
}

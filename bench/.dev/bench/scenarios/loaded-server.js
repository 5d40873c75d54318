"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.loadedServer = loadedServer;
const domain_1 = require("../../libs/domain/src/index.js");
const context_1 = require("../support/context");
const graphql_1 = require("../support/graphql");
const progress_1 = require("../support/progress");
const server_1 = require("../support/server");
const stats_1 = require("../support/stats");
const OTHER_VIEWER_KEY = {
    key: 'bench-other-viewer-key-01',
    organizationId: context_1.OTHER_ORG,
    principal: { type: 'USER', id: 'bench-other-viewer' },
    roles: ['VIEWER'],
};
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
function loadedServer(ctx) {
    return ctx.sharedFixture('loaded-server', async () => {
        const dataset = await ctx.dataset();
        const { summary } = dataset;
        (0, progress_1.log)(`[8] starting the api server on ${(0, context_1.fmt)(summary.events)} events (it rebuilds its read models at start)`);
        const spawned = (0, stats_1.now)();
        const server = await server_1.ServerProcess.start({
            dataDir: dataset.dir,
            keys: [server_1.VIEWER_KEY, OTHER_VIEWER_KEY, server_1.INGEST_KEY],
            nodeArgs: ctx.childArgs('api-queries'),
        });
        const listeningMs = (0, stats_1.now)() - spawned;
        const viewer = new graphql_1.GraphQLClient(server.port, server_1.VIEWER_KEY.key, 4);
        const lastOrgKey = summary.lastOrganizationId === context_1.QUERIED_ORG ? server_1.VIEWER_KEY : OTHER_VIEWER_KEY;
        const probe = new graphql_1.GraphQLClient(server.port, lastOrgKey.key, 1);
        try {
            const lastSession = (0, domain_1.sessionIdFromStream)(summary.lastStreamId);
            let lastReport = (0, stats_1.now)();
            const deadline = (0, stats_1.now)() + READY_TIMEOUT_MS;
            for (;;) {
                if ((0, stats_1.now)() > deadline)
                    throw new Error(`the read models were not rebuilt within ${READY_TIMEOUT_MS / 60_000} minutes`);
                const answer = await probe.request(SESSION_SEQUENCE, { id: lastSession });
                if ((answer.session?.sequence ?? -1) >= summary.lastRevision)
                    break;
                if ((0, stats_1.now)() - lastReport > 30_000) {
                    lastReport = (0, stats_1.now)();
                    (0, progress_1.log)(`[8] read models rebuilding: ${(((0, stats_1.now)() - spawned) / 1000).toFixed(0)} s since spawn`);
                }
                await (0, server_1.sleep)(100);
            }
            for (;;) {
                const { projections } = await viewer.request(PROJECTIONS);
                const failed = projections.filter((p) => p.state === 'FAILED');
                if (failed.length)
                    throw new Error(`projections failed at start: ${failed.map((p) => p.name).join(', ')}\n${server.recentOutput()}`);
                if (projections.every((p) => p.lagEvents === 0 && p.state === 'LIVE'))
                    break;
                await (0, server_1.sleep)(100);
            }
        }
        catch (error) {
            viewer.close();
            const output = server.recentOutput();
            await server.stop();
            throw new Error(`${error.message}${output ? `\nserver output:\n${output}` : ''}`);
        }
        finally {
            probe.close();
        }
        const readyMs = (0, stats_1.now)() - spawned;
        (0, progress_1.log)(`[8] server listening after ${(listeningMs / 1000).toFixed(1)} s, read models rebuilt after ${(readyMs / 1000).toFixed(1)} s`);
        return {
            value: { server, dataset, listeningMs, readyMs, viewer },
            release: async () => {
                viewer.close();
                await server.stop();
            },
        };
    });
}
//# sourceMappingURL=loaded-server.js.map
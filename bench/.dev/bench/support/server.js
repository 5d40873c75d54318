"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.ServerProcess = exports.VIEWER_KEY = exports.INGEST_KEY = void 0;
exports.serverEntry = serverEntry;
exports.freePort = freePort;
exports.sleep = sleep;
const node_child_process_1 = require("node:child_process");
const node_fs_1 = require("node:fs");
const node_net_1 = require("node:net");
const node_path_1 = require("node:path");
const cleanup_1 = require("./cleanup");
const graphql_1 = require("./graphql");
const stats_1 = require("./stats");
exports.INGEST_KEY = {
    key: 'bench-ingest-key-0000001',
    organizationId: 'bench',
    principal: { type: 'SERVICE', id: 'bench' },
    roles: ['INGEST', 'VIEWER'],
};
exports.VIEWER_KEY = {
    key: 'bench-viewer-key-0000001',
    organizationId: 'bench',
    principal: { type: 'USER', id: 'bench-viewer' },
    roles: ['VIEWER'],
};
/** The build's root: this file is <dist>/bench/support/server.js. */
const DIST_ROOT = (0, node_path_1.resolve)(__dirname, '..', '..');
/**
 * The built api entry of the same build as the bench. package.json's start script names
 * dist/apps/api/main.js, but with rootDir "." tsc emits dist/apps/api/src/main.js; take
 * whichever exists.
 */
function serverEntry() {
    const candidates = [(0, node_path_1.join)(DIST_ROOT, 'apps', 'api', 'main.js'), (0, node_path_1.join)(DIST_ROOT, 'apps', 'api', 'src', 'main.js')];
    return candidates.find((file) => (0, node_fs_1.existsSync)(file)) ?? candidates[0];
}
function freePort() {
    return new Promise((resolvePort, reject) => {
        const server = (0, node_net_1.createServer)();
        server.unref();
        server.on('error', reject);
        server.listen(0, '127.0.0.1', () => {
            const address = server.address();
            server.close(() => (typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port'))));
        });
    });
}
/** The real API server as a child process, with its own DATA_DIR and a free port. */
class ServerProcess {
    child;
    port;
    output = [];
    exited = null;
    spawnedAt;
    constructor(child, port) {
        this.child = child;
        this.port = port;
        this.spawnedAt = (0, stats_1.now)();
        const keep = (chunk) => {
            for (const line of chunk.toString('utf8').split('\n'))
                if (line.trim())
                    this.output.push(line);
            if (this.output.length > 200)
                this.output = this.output.slice(-100);
        };
        child.stdout?.on('data', keep);
        child.stderr?.on('data', keep);
        child.once('exit', (code, signal) => (this.exited = { code, signal }));
    }
    static async start(options) {
        const entry = serverEntry();
        if (!(0, node_fs_1.existsSync)(entry))
            throw new Error(`${entry} does not exist: the api did not build`);
        const port = await freePort();
        const env = {};
        for (const [name, value] of Object.entries(process.env)) {
            if (value !== undefined && !/^(EVENTSTORE_URL|MONGODB_URL|LEDGER_|DATA_DIR|PORT)/.test(name))
                env[name] = value;
        }
        Object.assign(env, {
            PORT: String(port),
            DATA_DIR: options.dataDir,
            LEDGER_API_KEYS: JSON.stringify(options.keys),
            LOG_LEVEL: 'warn',
            ...options.env,
        });
        const child = (0, node_child_process_1.spawn)(process.execPath, [...(options.nodeArgs ?? []), entry], {
            env,
            stdio: ['ignore', 'pipe', 'pipe'],
        });
        cleanup_1.cleanup.track(child);
        const server = new ServerProcess(child, port);
        await server.waitListening(options.startTimeoutMs ?? 600_000);
        return server;
    }
    get pid() {
        return this.child.pid;
    }
    /** Last lines the server printed, for error messages. */
    recentOutput(lines = 15) {
        return this.output.slice(-lines).join('\n');
    }
    async waitListening(timeoutMs) {
        const deadline = (0, stats_1.now)() + timeoutMs;
        while ((0, stats_1.now)() < deadline) {
            if (this.exited) {
                throw new Error(`the server exited (code ${this.exited.code}, signal ${this.exited.signal}) before listening:\n${this.recentOutput()}`);
            }
            if ((await (0, graphql_1.httpStatus)(this.port, '/health/live', 500)) === 200)
                return;
            await sleep(50);
        }
        throw new Error(`the server did not listen within ${timeoutMs} ms:\n${this.recentOutput()}`);
    }
    memory() {
        return (0, stats_1.processMemory)(this.pid);
    }
    /** SIGTERM (graceful: projections stop, stores close), SIGKILL after a grace period. */
    async stop(graceMs = 15_000) {
        if (this.exited)
            return;
        const exited = new Promise((resolveExit) => this.child.once('exit', () => resolveExit()));
        this.child.kill('SIGTERM');
        const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
        await exited;
        clearTimeout(timer);
    }
}
exports.ServerProcess = ServerProcess;
function sleep(ms) {
    return new Promise((resolveSleep) => setTimeout(resolveSleep, ms));
}
//# sourceMappingURL=server.js.map
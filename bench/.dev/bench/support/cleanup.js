"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.cleanup = void 0;
const node_fs_1 = require("node:fs");
const node_os_1 = require("node:os");
const node_path_1 = require("node:path");
/**
 * Everything the bench creates outside itself (temp dirs, child processes) is registered here
 * and removed on every way out: normal end, a thrown error, Ctrl-C, SIGTERM. Child processes are
 * also killed from the synchronous 'exit' hook, so none outlives the bench.
 */
class Cleanup {
    dirs = new Set();
    children = new Set();
    installed = false;
    install() {
        if (this.installed)
            return;
        this.installed = true;
        process.on('exit', () => this.runSync());
        for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
            process.once(signal, () => {
                process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
                this.runSync();
                process.exit(130);
            });
        }
    }
    /** A fresh directory under the system temp dir, removed at the end. */
    tempDir(label) {
        const dir = (0, node_fs_1.mkdtempSync)((0, node_path_1.join)(process.env.BENCH_TMPDIR ?? (0, node_os_1.tmpdir)(), `ledger-bench-${label}-`));
        this.dirs.add(dir);
        return dir;
    }
    removeDir(dir) {
        (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
        this.dirs.delete(dir);
    }
    track(child) {
        this.children.add(child);
        child.once('exit', () => this.children.delete(child));
    }
    runSync() {
        for (const child of this.children) {
            if (child.exitCode === null && child.signalCode === null)
                child.kill('SIGKILL');
        }
        this.children.clear();
        for (const dir of this.dirs)
            (0, node_fs_1.rmSync)(dir, { recursive: true, force: true });
        this.dirs.clear();
    }
}
exports.cleanup = new Cleanup();
//# sourceMappingURL=cleanup.js.map
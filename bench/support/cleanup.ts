import { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Everything the bench creates outside itself (temp dirs, child processes) is registered here
 * and removed on every way out: normal end, a thrown error, Ctrl-C, SIGTERM. Child processes are
 * also killed from the synchronous 'exit' hook, so none outlives the bench.
 */
class Cleanup {
  private readonly dirs = new Set<string>();
  private readonly children = new Set<ChildProcess>();
  private installed = false;

  install(): void {
    if (this.installed) return;
    this.installed = true;
    process.on('exit', () => this.runSync());
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(signal, () => {
        process.stderr.write(`\nbench: ${signal}, cleaning up\n`);
        this.runSync();
        process.exit(130);
      });
    }
  }

  /** A fresh directory under the system temp dir, removed at the end. */
  tempDir(label: string): string {
    const dir = mkdtempSync(join(process.env.BENCH_TMPDIR ?? tmpdir(), `ledger-bench-${label}-`));
    this.dirs.add(dir);
    return dir;
  }

  removeDir(dir: string): void {
    rmSync(dir, { recursive: true, force: true });
    this.dirs.delete(dir);
  }

  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  runSync(): void {
    for (const child of this.children) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    this.children.clear();
    for (const dir of this.dirs) rmSync(dir, { recursive: true, force: true });
    this.dirs.clear();
  }
}

export const cleanup = new Cleanup();

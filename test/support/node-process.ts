import { spawn } from 'node:child_process';

export interface NodeRun {
  code: number | null;
  stderr: string;
  /** Still running after the time given: killed, so `code` is null. */
  timedOut: boolean;
}

/** Runs `node <args>` with only PATH and `env` set, stdout ignored; kills it after `timeoutMs`. */
export function runNode(args: string[], options: { env?: Record<string, string>; timeoutMs: number }): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { env: { PATH: process.env.PATH ?? '', ...options.env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    let timedOut = false;
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, options.timeoutMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr, timedOut });
    });
  });
}

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { RedactionResult, Redactor } from './redactor';
import type { BatchAnswer, BatchRequest, ThreadStatus } from './redaction-worker';

/**
 * Below this much text (UTF-16 units of strings and keys) a batch is scanned on the event loop:
 * 10 events (about 5 000 characters) scan in 0.08 ms, less than the 0.2 ms of a round trip to the
 * thread. A batch of 100 events (about 65 000) takes 0.9 ms of scan, which the thread takes off
 * the loop.
 */
export const THREAD_MIN_CHARS = 16 * 1024;

interface Pending {
  values: readonly unknown[];
  resolve(results: RedactionResult[]): void;
  reject(error: unknown): void;
}

/**
 * The Redactor on a thread of its own, so that the credential scan (the largest piece of an
 * ingest's CPU after SQLite, and half a second for a pathological batch) runs beside the event
 * loop instead of on it. Same answers as the Redactor, except that a value with nothing to redact
 * is returned as it was given, not copied (the write side never changes it afterwards).
 *
 * Small batches stay on the event loop (`THREAD_MIN_CHARS`). The thread is a convenience, never a
 * dependency: if it cannot take a batch (it died, or a value cannot be sent to it) that batch, and
 * every one after a death, is redacted here on the event loop, so no request fails or waits
 * because of it.
 */
export class RedactionThread {
  /** The compiled worker beside this file; absent when running from the TypeScript sources. */
  static readonly WORKER = join(__dirname, 'redaction-worker.js');

  /** False when running from sources (the tests), where a Redactor on the event loop does the work. */
  static available(entry = RedactionThread.WORKER): boolean {
    return existsSync(entry);
  }

  private worker: Worker | null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private closing = false;
  private readonly local = new Redactor();
  private readonly ready: Promise<void>;
  /** Batches scanned on the thread and on the event loop, since the start. */
  readonly counts = { thread: 0, loop: 0 };

  constructor(
    entry = RedactionThread.WORKER,
    private readonly log: (line: string) => void = () => undefined,
    private readonly minChars = THREAD_MIN_CHARS,
  ) {
    const worker = new Worker(entry);
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.once('message', (status: ThreadStatus) => (status.ready ? resolve() : reject(new Error(`the redaction thread could not load the rules: ${status.message}`))));
      worker.once('exit', (code) => reject(new Error(`the redaction thread exited (code ${code}) before it was ready`)));
    });
    this.ready.catch(() => undefined);
    worker.on('message', (answer: BatchAnswer | ThreadStatus) => {
      if ('id' in answer) this.answer(answer);
    });
    worker.on('error', (error) => this.lose(error.message));
    worker.on('exit', (code) => this.lose(`exited with code ${code}`));
    // The thread holds its process only while it owes an answer (the start, a batch): a process
    // done with it ends without closing it.
    this.ready.then(() => this.releaseProcess(), () => undefined);
  }

  /** Nest calls this at startup: a thread that cannot load the rules fails the start, as a broken install should. */
  async onModuleInit(): Promise<void> {
    await Promise.all([this.ready, this.local.warmUp()]);
  }

  async onApplicationShutdown(): Promise<void> {
    this.closing = true;
    await this.worker?.terminate();
  }

  redactBatch(values: readonly unknown[]): Promise<RedactionResult[]> {
    const worker = this.worker;
    if (worker === null || !holdsText(values, this.minChars)) {
      this.counts.loop += 1;
      return this.local.redactBatch(values);
    }
    this.counts.thread += 1;
    const id = (this.nextId += 1);
    return new Promise<RedactionResult[]>((resolve, reject) => {
      this.pending.set(id, { values, resolve, reject });
      if (this.pending.size === 1) worker.ref();
      try {
        worker.postMessage({ id, values: values as unknown[] } satisfies BatchRequest);
      } catch {
        // Not structured-cloneable (no JSON value is like that): redacted here instead.
        this.pending.delete(id);
        this.releaseProcess();
        this.local.redactBatch(values).then(resolve, reject);
      }
    });
  }

  private answer(answer: BatchAnswer): void {
    const pending = this.pending.get(answer.id);
    if (!pending) return;
    this.pending.delete(answer.id);
    this.releaseProcess();
    if ('failed' in answer) {
      this.local.redactBatch(pending.values).then(pending.resolve, pending.reject);
      return;
    }
    pending.resolve(answer.results.map((result, index) => result ?? { value: pending.values[index], rules: [] }));
  }

  private releaseProcess(): void {
    if (this.pending.size === 0) this.worker?.unref();
  }

  /** The thread is gone: what it held, and everything after, is redacted on the event loop. */
  private lose(reason: string): void {
    if (this.worker === null) return;
    this.worker = null;
    if (!this.closing) this.log(`the redaction thread stopped (${reason}); redacting on the event loop from now on`);
    const held = [...this.pending.values()];
    this.pending.clear();
    for (const { values, resolve, reject } of held) this.local.redactBatch(values).then(resolve, reject);
  }
}

/**
 * Whether `values` hold at least `chars` of text: UTF-16 units of strings and keys, plus one for
 * every value visited, so that the walk ends after at most `chars` steps even on a cyclic value.
 */
function holdsText(values: readonly unknown[], chars: number): boolean {
  let seen = 0;
  const stack: unknown[] = [...values];
  while (stack.length > 0 && seen < chars) {
    const value = stack.pop();
    seen += 1;
    if (typeof value === 'string') seen += value.length;
    else if (Array.isArray(value)) for (const element of value) stack.push(element);
    else if (value !== null && typeof value === 'object') {
      for (const [key, member] of Object.entries(value)) {
        seen += key.length;
        stack.push(member);
      }
    }
  }
  return seen >= chars;
}

import { join } from 'node:path';
import { RedactionError } from './finding';
import { RedactionThread, THREAD_MIN_CHARS } from './redaction-thread';
import { Redactor } from './redactor';
import { NON_SECRETS, SECRETS } from './testing/credential-corpus';

/** The compiled worker: `npm test` builds before it runs the tests. */
const WORKER = join(__dirname, '..', '..', '..', 'dist', 'libs', 'redaction', 'src', 'redaction-worker.js');

describe('the redaction thread', () => {
  const local = new Redactor();
  let thread: RedactionThread;
  const lines: string[] = [];

  beforeAll(async () => {
    if (!RedactionThread.available(WORKER)) throw new Error(`no compiled redaction worker at ${WORKER}: run npm run build first`);
    await local.warmUp();
  }, 30_000);

  beforeEach(async () => {
    lines.length = 0;
    // Every batch on the thread, however small (the routing by size has a test of its own).
    thread = new RedactionThread(WORKER, (line) => lines.push(line), 0);
    await thread.onModuleInit();
  }, 30_000);

  afterEach(() => thread.onApplicationShutdown());

  it('answers as the Redactor does on the event loop, for every credential of the corpus and every non-secret', async () => {
    const values = [
      ...SECRETS.map((c) => ({ output: { content: c.text }, [`key ${c.text}`]: [c.text, 1, null] })),
      ...NON_SECRETS.map((text) => ({ output: { content: text } })),
    ];
    const [there, here] = await Promise.all([thread.redactBatch(values), local.redactBatch(values)]);
    expect(there).toEqual(here);
    expect(there.filter((result) => result.rules.length > 0)).toHaveLength(SECRETS.length);
    for (const c of SECRETS) expect(JSON.stringify(there)).not.toContain(c.secret);
  });

  it('returns a value with nothing to redact as given, and a redacted copy of the rest', async () => {
    const clean = { message: 'nothing to see', n: 1 };
    const secret = SECRETS[0]!;
    const dirty = { message: secret.text };
    const [first, second] = await thread.redactBatch([clean, dirty]);
    expect(first).toEqual({ value: clean, rules: [] });
    expect(first!.value).toBe(clean);
    expect(second!.rules).toEqual([secret.rule]);
    expect(JSON.stringify(second!.value)).not.toContain(secret.secret);
    expect(dirty.message).toBe(secret.text);
  });

  it('scans a batch with less text than THREAD_MIN_CHARS on the event loop, and a larger one on the thread', async () => {
    const routed = new RedactionThread(WORKER);
    try {
      await routed.onModuleInit();
      const secret = SECRETS[2]!;
      const small = Array.from({ length: 10 }, (_, index) => ({ index, message: `${secret.text} (${index})` }));
      const large = Array.from({ length: 10 }, (_, index) => ({ index, message: `${secret.text} ${'x'.repeat(THREAD_MIN_CHARS / 10)}` }));
      for (const batch of [small, large]) {
        const results = await routed.redactBatch(batch);
        expect(results.map((result) => result.rules)).toEqual(batch.map(() => [secret.rule]));
      }
      expect(routed.counts).toEqual({ loop: 1, thread: 1 });
    } finally {
      await routed.onApplicationShutdown();
    }
  });

  it("fails a payload the scan cannot read with the Redactor's own error", async () => {
    const cyclic: Record<string, unknown> = { a: 'x' };
    cyclic.self = cyclic;
    await expect(thread.redactBatch([cyclic])).rejects.toThrow(RedactionError);
    await expect(thread.redactBatch([cyclic])).rejects.toThrow(/reference cycle/);
  });

  it('loses no batch when the thread dies: those it held and all later ones are redacted on the event loop', async () => {
    const secret = SECRETS[1]!;
    const batches = Array.from({ length: 20 }, (_, index) => [{ index, message: `${secret.text} (${index})` }]);
    const answers = batches.map((batch) => thread.redactBatch(batch));
    await (thread as unknown as { worker: { terminate(): Promise<number> } }).worker.terminate();
    const later = thread.redactBatch([{ message: secret.text }]);
    for (const [result] of [...(await Promise.all(answers)), await later]) {
      expect(result!.rules).toEqual([secret.rule]);
      expect(JSON.stringify(result!.value)).not.toContain(secret.secret);
    }
    expect(lines).toEqual([expect.stringMatching(/^the redaction thread stopped \(exited with code 1\); redacting on the event loop from now on$/)]);
  });
});

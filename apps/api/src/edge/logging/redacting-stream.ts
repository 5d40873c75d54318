import { Writable } from 'node:stream';
import type { Redactor } from '@ledger/redaction';

/**
 * Where every log line goes on its way to stdout: each JSON line is parsed, run through the same
 * credential redactor as stored events, and written back as one JSON line, in order. Log fields
 * carry client-chosen text (operation names, paths, error messages quoting input), and pino's own
 * `redact` paths only know field names, not what a value looks like.
 */
export function redactingStream(redactor: Pick<Redactor, 'redact'>, out: NodeJS.WritableStream = process.stdout): Writable {
  return new Writable({
    write(chunk: Buffer | string, _encoding, callback) {
      redactLine(redactor, String(chunk)).then(
        (line) => out.write(line, () => callback()),
        () => out.write(`${JSON.stringify({ level: 50, time: Date.now(), msg: 'a log line was withheld: it could not be scanned for credentials' })}\n`, () => callback()),
      );
    },
  });
}

async function redactLine(redactor: Pick<Redactor, 'redact'>, line: string): Promise<string> {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return `${String((await redactor.redact(line.replace(/\n$/, ''))).value)}\n`;
  }
  return `${JSON.stringify((await redactor.redact(value)).value)}\n`;
}

import { parentPort } from 'node:worker_threads';
import { Redactor } from './redactor';

/**
 * The thread side of RedactionThread: one message per batch, answered by id. A value the scan
 * left alone comes back as null (the caller keeps its own), so only redacted copies cross back.
 * A batch that fails here is answered `failed` and redacted again by the caller, whose error is
 * then the one the client gets.
 */
export interface BatchRequest {
  id: number;
  values: unknown[];
}

export type BatchAnswer = { id: number; results: Array<{ value: unknown; rules: string[] } | null> } | { id: number; failed: true };

export type ThreadStatus = { ready: true } | { ready: false; message: string };

const port = parentPort;
if (port) {
  const redactor = new Redactor();
  redactor.warmUp().then(
    () => port.postMessage({ ready: true } satisfies ThreadStatus),
    (error: unknown) => port.postMessage({ ready: false, message: error instanceof Error ? error.message : String(error) } satisfies ThreadStatus),
  );
  port.on('message', ({ id, values }: BatchRequest) => {
    redactor.redactBatch(values).then(
      (results) => port.postMessage({ id, results: results.map((result) => (result.rules.length > 0 ? result : null)) } satisfies BatchAnswer),
      () => port.postMessage({ id, failed: true } satisfies BatchAnswer),
    );
  });
}

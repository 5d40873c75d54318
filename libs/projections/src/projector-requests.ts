import { randomUUID } from 'node:crypto';
import { codedError, CodedError, ErrorCode } from '@ledger/domain';
import type { Document, ReadStore } from '@ledger/read-store';
import type { Projections } from './projections-view';

/**
 * Rebuild and verify asked of the projector by an api that does not run the projections: a
 * request document in the read store, taken by the projector that holds the lease, answered in
 * the same document.
 */
export const PROJECTION_REQUESTS = 'projection_requests';

export type ProjectionRequestKind = 'rebuild' | 'verify';

interface RequestDocument extends Document {
  kind: ProjectionRequestKind;
  name: string;
  state: 'PENDING' | 'TAKEN' | 'DONE' | 'FAILED';
  requestedAt: string;
  result?: unknown;
  error?: { code: ErrorCode; message: string; details?: Record<string, unknown> };
}

/** The projector's refusal of a request, with the contract code it gave. */
export class ProjectorRefusal extends Error implements CodedError {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
  ) {
    super(message);
    this.name = 'ProjectorRefusal';
  }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Asks the projector; resolves with its answer, or UNAVAILABLE when none answers in time. */
export async function askProjector<R>(readStore: ReadStore, kind: ProjectionRequestKind, name: string, timeoutMs: number, pollMs = 100): Promise<R> {
  const requests = readStore.collection<RequestDocument>(PROJECTION_REQUESTS);
  const id = randomUUID();
  await requests.updateOne({ _id: id }, { $set: { kind, name, state: 'PENDING', requestedAt: new Date().toISOString() } }, { upsert: true });
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const request = await requests.findOne({ _id: id });
    if (request?.state === 'DONE') {
      await requests.deleteMany({ _id: id });
      return request.result as R;
    }
    if (request?.state === 'FAILED' && request.error) {
      await requests.deleteMany({ _id: id });
      throw new ProjectorRefusal(request.error.code, request.error.message, request.error.details);
    }
    if (Date.now() > deadline) {
      // A request nobody took is withdrawn; one under way is left for the projector to finish.
      await requests.deleteMany({ _id: id, state: 'PENDING' });
      throw new ProjectorRefusal('UNAVAILABLE', `the projector did not answer the ${kind} of ${name} within ${Math.round(timeoutMs / 1000)} s; is apps/projector running?`);
    }
    await sleep(pollMs);
  }
}

/** The projector's side: takes each pending request (one taker, by a guarded update) and answers it. */
export async function answerProjectionRequests(readStore: ReadStore, projections: Projections): Promise<number> {
  const requests = readStore.collection<RequestDocument>(PROJECTION_REQUESTS);
  let answered = 0;
  for (const request of await requests.find({ state: 'PENDING' }, { sort: { requestedAt: 1 }, limit: 10 })) {
    const taken = await requests.updateOne({ _id: request._id, state: 'PENDING' }, { $set: { state: 'TAKEN' } });
    if (taken.modifiedCount === 0) continue;
    try {
      const result = request.kind === 'rebuild' ? await projections.rebuild(request.name) : await projections.verify(request.name);
      await requests.updateOne({ _id: request._id }, { $set: { state: 'DONE', result } });
    } catch (error) {
      const coded = codedError(error);
      const answer = coded
        ? { code: coded.code, message: coded.publicMessage ?? coded.message, details: coded.details ?? {} }
        : { code: 'INTERNAL' as const, message: 'the projector failed; see its log', details: {} };
      await requests.updateOne({ _id: request._id }, { $set: { state: 'FAILED', error: answer } });
    }
    answered += 1;
  }
  return answered;
}

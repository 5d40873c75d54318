import { Inject, Injectable } from '@nestjs/common';
import type { Actor } from '@ledger/domain';
import { Projections, PROJECTIONS, RunDocument, RUNS, TOOL_CALLS, ToolCallDocument } from '@ledger/projections';
import type { Filter } from '@ledger/read-store';
import { decodeCursor, encodeCursor, requirePageSize } from '../paging';
import { presentRun, presentToolCall, RunModel } from './run.presenter';

/** The runs read model: runs and their tool calls. */
@Injectable()
export class RunQueries {
  constructor(@Inject(PROJECTIONS) private readonly projections: Projections) {}

  async run(actor: Actor, id: string): Promise<RunModel | null> {
    const [document] = await this.projections
      .collection<RunDocument>(RUNS)
      .find({ organizationId: actor.organizationId, runId: id }, { sort: { startedAt: -1 }, limit: 1, readOnly: true });
    return document ? presentRun(document) : null;
  }

  async runOfSession(actor: Actor, sessionId: string, runId: string): Promise<RunModel | null> {
    const document = await this.projections
      .collection<RunDocument>(RUNS)
      .findOne({ _id: `${sessionId}/${runId}`, organizationId: actor.organizationId }, { readOnly: true });
    return document ? presentRun(document) : null;
  }

  async runs(organizationId: string, sessionId: string, first: number | null | undefined, after: string | null | undefined) {
    const size = requirePageSize(first, 500, 50);
    const cursor = decodeCursor<{ t: string; id: string }>(after, (c) => typeof c.t === 'string' && typeof c.id === 'string');
    const parts: Filter[] = [{ organizationId, sessionId }];
    if (cursor) parts.push({ $or: [{ startedAt: { $gt: cursor.t } }, { startedAt: cursor.t, _id: { $gt: cursor.id } }] });
    const documents = await this.projections
      .collection<RunDocument>(RUNS)
      .find({ $and: parts }, { sort: { startedAt: 1, _id: 1 }, limit: size + 1, readOnly: true });
    const edges = documents.slice(0, size).map((document) => ({
      cursor: encodeCursor({ t: document.startedAt, id: document._id }),
      node: presentRun(document),
    }));
    return { edges, pageInfo: { hasNextPage: documents.length > size, endCursor: edges.length ? edges[edges.length - 1]!.cursor : (after ?? null) } };
  }

  async toolCalls(run: RunModel) {
    const documents = await this.projections
      .collection<ToolCallDocument>(TOOL_CALLS)
      .find({ organizationId: run.organizationId, sessionId: run.sessionId, runId: run.id }, { sort: { startedAt: 1, _id: 1 }, readOnly: true });
    return documents.map(presentToolCall);
  }
}

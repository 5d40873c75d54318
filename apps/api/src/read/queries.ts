import { Inject } from '@nestjs/common';
import { QueryHandler } from '@nestjs/cqrs';
import type { Actor } from '@ledger/domain';
import type { Position } from '@ledger/event-store';
import { ProjectionEngine } from '@ledger/projections';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { SessionFilterInput, SessionQueries, UsageDimension, UsageFilterInput } from './session-queries';

/**
 * The contract's reads as query messages. `after` makes a read wait (bounded) until the read
 * models have applied that position: how a mutation's answer reflects its own write.
 */
abstract class ReadQuery {
  constructor(
    readonly actor: Actor,
    readonly after: Position | null = null,
  ) {}
}

export class GetSessionQuery extends ReadQuery {
  constructor(actor: Actor, readonly id: string, after: Position | null = null) {
    super(actor, after);
  }
}
export class GetChildrenQuery extends ReadQuery {
  constructor(actor: Actor, readonly parentId: string) {
    super(actor);
  }
}
export class ListSessionsQuery extends ReadQuery {
  constructor(actor: Actor, readonly filter: SessionFilterInput | null, readonly first: number | null, readonly cursor: string | null) {
    super(actor);
  }
}
export class GetCommandCenterQuery extends ReadQuery {
  constructor(actor: Actor, readonly filter: SessionFilterInput | null, readonly limit: number | null) {
    super(actor);
  }
}
export class GetRunQuery extends ReadQuery {
  constructor(actor: Actor, readonly id: string, readonly sessionId: string | null = null, after: Position | null = null) {
    super(actor, after);
  }
}
export class ListRunsQuery extends ReadQuery {
  constructor(actor: Actor, readonly sessionId: string, readonly first: number | null, readonly cursor: string | null) {
    super(actor);
  }
}
export class GetToolCallsQuery extends ReadQuery {
  constructor(actor: Actor, readonly run: { id: string; sessionId: string; organizationId: string }) {
    super(actor);
  }
}
export class GetTimelineQuery extends ReadQuery {
  constructor(
    actor: Actor,
    readonly sessionId: string,
    readonly afterSequence: number,
    readonly first: number,
    readonly types: string[] | null,
    readonly runId: string | null,
  ) {
    super(actor);
  }
}
export class GetSessionAsOfQuery extends ReadQuery {
  constructor(actor: Actor, readonly id: string, readonly sequence: number | null, readonly at: string | null) {
    super(actor);
  }
}
export class GetUsageQuery extends ReadQuery {
  constructor(actor: Actor, readonly filter: UsageFilterInput, readonly groupBy: UsageDimension[]) {
    super(actor);
  }
}
export class ListManagedAgentsQuery extends ReadQuery {
  constructor(actor: Actor, readonly first: number | null, readonly cursor: string | null) {
    super(actor);
  }
}
export class GetProjectionsQuery extends ReadQuery {}

abstract class ReadHandler<Q extends ReadQuery, R> {
  constructor(
    protected readonly queries: SessionQueries,
    private readonly engine: ProjectionEngine,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  async execute(query: Q): Promise<R> {
    if (query.after) await this.engine.waitFor(query.after, this.config.readYourWritesTimeoutMs);
    return this.read(query);
  }

  protected abstract read(query: Q): Promise<R>;
}

type Result<K extends keyof SessionQueries> = SessionQueries[K] extends (...args: never[]) => infer R ? Awaited<R> : never;

@QueryHandler(GetSessionQuery)
export class GetSessionHandler extends ReadHandler<GetSessionQuery, Result<'session'>> {
  protected read(q: GetSessionQuery) {
    return this.queries.session(q.actor, q.id);
  }
}
@QueryHandler(GetChildrenQuery)
export class GetChildrenHandler extends ReadHandler<GetChildrenQuery, Result<'children'>> {
  protected read(q: GetChildrenQuery) {
    return this.queries.children(q.actor, q.parentId);
  }
}
@QueryHandler(ListSessionsQuery)
export class ListSessionsHandler extends ReadHandler<ListSessionsQuery, Result<'sessions'>> {
  protected read(q: ListSessionsQuery) {
    return this.queries.sessions(q.actor, q.filter, q.first, q.cursor);
  }
}
@QueryHandler(GetCommandCenterQuery)
export class GetCommandCenterHandler extends ReadHandler<GetCommandCenterQuery, Result<'commandCenter'>> {
  protected read(q: GetCommandCenterQuery) {
    return this.queries.commandCenter(q.actor, q.filter, q.limit);
  }
}
@QueryHandler(GetRunQuery)
export class GetRunHandler extends ReadHandler<GetRunQuery, Result<'run'>> {
  protected read(q: GetRunQuery) {
    return q.sessionId ? this.queries.runOfSession(q.actor, q.sessionId, q.id) : this.queries.run(q.actor, q.id);
  }
}
@QueryHandler(ListRunsQuery)
export class ListRunsHandler extends ReadHandler<ListRunsQuery, Result<'runs'>> {
  protected read(q: ListRunsQuery) {
    return this.queries.runs(q.actor.organizationId, q.sessionId, q.first, q.cursor);
  }
}
@QueryHandler(GetToolCallsQuery)
export class GetToolCallsHandler extends ReadHandler<GetToolCallsQuery, Result<'toolCalls'>> {
  protected read(q: GetToolCallsQuery) {
    return this.queries.toolCalls({ ...q.run, organizationId: q.actor.organizationId } as never);
  }
}
@QueryHandler(GetTimelineQuery)
export class GetTimelineHandler extends ReadHandler<GetTimelineQuery, Result<'timeline'>> {
  protected read(q: GetTimelineQuery) {
    return this.queries.timeline(q.actor, q.sessionId, q.afterSequence, q.first, q.types, q.runId);
  }
}
@QueryHandler(GetSessionAsOfQuery)
export class GetSessionAsOfHandler extends ReadHandler<GetSessionAsOfQuery, Result<'sessionAsOf'>> {
  protected read(q: GetSessionAsOfQuery) {
    return this.queries.sessionAsOf(q.actor, q.id, q.sequence, q.at);
  }
}
@QueryHandler(GetUsageQuery)
export class GetUsageHandler extends ReadHandler<GetUsageQuery, Result<'usage'>> {
  protected read(q: GetUsageQuery) {
    return this.queries.usage(q.actor, q.filter, q.groupBy);
  }
}
@QueryHandler(ListManagedAgentsQuery)
export class ListManagedAgentsHandler extends ReadHandler<ListManagedAgentsQuery, Result<'managedAgents'>> {
  protected read(q: ListManagedAgentsQuery) {
    return this.queries.managedAgents(q.actor, q.first, q.cursor);
  }
}
@QueryHandler(GetProjectionsQuery)
export class GetProjectionsHandler extends ReadHandler<GetProjectionsQuery, Result<'projections'>> {
  protected read() {
    return this.queries.projections();
  }
}

export const QUERY_HANDLERS = [
  GetSessionHandler,
  GetChildrenHandler,
  ListSessionsHandler,
  GetCommandCenterHandler,
  GetRunHandler,
  ListRunsHandler,
  GetToolCallsHandler,
  GetTimelineHandler,
  GetSessionAsOfHandler,
  GetUsageHandler,
  ListManagedAgentsHandler,
  GetProjectionsHandler,
];

import { Args, Context, Mutation, Parent, Query, ResolveField, Resolver } from '@nestjs/graphql';
import { CommandBus, QueryBus } from '@nestjs/cqrs';
import { Actor, SessionCommand, UnavailableError } from '@ledger/domain';
import { formatPosition, Position } from '@ledger/event-store';
import { presentSession, RunModel, SessionModel } from '../read/presenters';
import {
  GetChildrenQuery,
  GetCommandCenterQuery,
  GetProjectionsQuery,
  GetRunQuery,
  GetSessionAsOfQuery,
  GetSessionQuery,
  GetTimelineQuery,
  GetToolCallsQuery,
  GetUsageQuery,
  ListManagedAgentsQuery,
  ListRunsQuery,
  ListSessionsQuery,
} from '../read/queries';
import type { SessionFilterInput, UsageDimension, UsageFilterInput } from '../read/session-queries';
import { ExecuteSessionCommand, SetPinnedCommand, SetPinnedOutcome } from '../write/commands';
import type { CommandOutcome } from '../write/session-command.runner';
import { CommandFactory } from './command-factory';
import { GraphQLContext, requireActor, requireAdmin, requireReader } from './context';
import { RebuildProjectionCommand, VerifyProjectionCommand } from '../write/projection-admin';
import { Inject, Injectable } from '@nestjs/common';
import { LEDGER_CONFIG, LedgerConfig } from '../config/ledger-config';
import { CLOCK, Clock } from '../clock';

/** Resolvers validate and dispatch: commands to the CommandBus, reads to the QueryBus. */
@Resolver('Query')
export class QueryResolver {
  constructor(private readonly queries: QueryBus) {}

  @Query('whoami')
  whoami(@Context() context: GraphQLContext) {
    const actor = requireActor(context);
    return { organizationId: actor.organizationId, principal: actor.principal, roles: actor.roles };
  }

  @Query('session')
  session(@Args('id') id: string, @Context() context: GraphQLContext) {
    return this.queries.execute(new GetSessionQuery(requireReader(context), id));
  }

  @Query('sessions')
  sessions(
    @Args('filter') filter: SessionFilterInput | null,
    @Args('first') first: number | null,
    @Args('after') after: string | null,
    @Context() context: GraphQLContext,
  ) {
    return this.queries.execute(new ListSessionsQuery(requireReader(context), filter ?? null, first, after ?? null));
  }

  @Query('commandCenter')
  commandCenter(@Args('filter') filter: SessionFilterInput | null, @Args('limit') limit: number | null, @Context() context: GraphQLContext) {
    return this.queries.execute(new GetCommandCenterQuery(requireReader(context), filter ?? null, limit));
  }

  @Query('run')
  run(@Args('id') id: string, @Context() context: GraphQLContext) {
    return this.queries.execute(new GetRunQuery(requireReader(context), id));
  }

  @Query('timeline')
  timeline(
    @Args('sessionId') sessionId: string,
    @Args('after') after: number,
    @Args('first') first: number,
    @Args('types') types: string[] | null,
    @Args('runId') runId: string | null,
    @Context() context: GraphQLContext,
  ) {
    return this.queries.execute(new GetTimelineQuery(requireReader(context), sessionId, after ?? -1, first ?? 100, types ?? null, runId ?? null));
  }

  @Query('sessionAsOf')
  sessionAsOf(
    @Args('id') id: string,
    @Args('sequence') sequence: number | null,
    @Args('at') at: string | null,
    @Context() context: GraphQLContext,
  ) {
    return this.queries.execute(new GetSessionAsOfQuery(requireReader(context), id, sequence ?? null, at ?? null));
  }

  @Query('usage')
  usage(@Args('filter') filter: UsageFilterInput, @Args('groupBy') groupBy: UsageDimension[], @Context() context: GraphQLContext) {
    return this.queries.execute(new GetUsageQuery(requireReader(context), filter, groupBy));
  }

  @Query('managedAgents')
  managedAgents(@Args('first') first: number | null, @Args('after') after: string | null, @Context() context: GraphQLContext) {
    return this.queries.execute(new ListManagedAgentsQuery(requireReader(context), first, after ?? null));
  }

  @Query('projections')
  projections(@Context() context: GraphQLContext) {
    return this.queries.execute(new GetProjectionsQuery(requireReader(context)));
  }
}

@Resolver('Session')
export class SessionFieldsResolver {
  constructor(private readonly queries: QueryBus) {}

  @ResolveField('children')
  children(@Parent() session: SessionModel, @Context() context: GraphQLContext) {
    return this.queries.execute(new GetChildrenQuery(requireActor(context), session.id));
  }

  @ResolveField('runs')
  runs(@Parent() session: SessionModel, @Args('first') first: number | null, @Args('after') after: string | null, @Context() context: GraphQLContext) {
    return this.queries.execute(new ListRunsQuery(requireActor(context), session.id, first, after ?? null));
  }
}

@Resolver('Run')
export class RunFieldsResolver {
  constructor(private readonly queries: QueryBus) {}

  @ResolveField('toolCalls')
  toolCalls(@Parent() run: RunModel, @Context() context: GraphQLContext) {
    return this.queries.execute(new GetToolCallsQuery(requireActor(context), run));
  }
}

/**
 * Sends a session command and reads its answer back: from the read model once the projections
 * have applied the write (bounded wait), or from the write side if they are behind.
 */
@Injectable()
export class MutationDispatch {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  execute(command: SessionCommand, context: GraphQLContext): Promise<CommandOutcome> {
    return this.commands.execute(new ExecuteSessionCommand(command, context.requestId));
  }

  /** The session after the command, read from the read model once it has applied the write. */
  async sessionAfter(actor: Actor, outcome: CommandOutcome): Promise<SessionModel> {
    const position = outcome.appended?.position ?? outcome.session.lastPosition;
    const session = await this.queries.execute<GetSessionQuery, SessionModel | null>(
      new GetSessionQuery(actor, outcome.session.sessionId, position),
    );
    const view = outcome.session.state.view;
    if (session && session.sequence >= (view?.sequence ?? -1)) return session;
    // The read model is behind its bound: the write is stored, so answer from the write side.
    if (view) return presentSession(view, this.clock().toISOString(), this.config.windows);
    throw new UnavailableError('the session was written but cannot be read back yet; query it again shortly');
  }

  async runAfter(actor: Actor, outcome: CommandOutcome, runId: string): Promise<RunModel> {
    const position = outcome.appended?.position ?? outcome.session.lastPosition;
    const run = await this.queries.execute<GetRunQuery, RunModel | null>(new GetRunQuery(actor, runId, outcome.session.sessionId, position));
    if (run) return run;
    throw new UnavailableError(`run ${runId} was written but cannot be read back yet; query it again shortly (the call is safe to retry with the same runId)`);
  }
}

@Resolver('Mutation')
export class MutationResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly queries: QueryBus,
    private readonly factory: CommandFactory,
    private readonly dispatch: MutationDispatch,
  ) {}

  @Mutation('startSession')
  async startSession(@Args('input') input: unknown, @Context() context: GraphQLContext) {
    const actor = requireActor(context);
    const outcome = await this.dispatch.execute(this.factory.startSession(actor, input), context);
    return this.dispatch.sessionAfter(actor, outcome);
  }

  @Mutation('updateSession')
  async updateSession(@Args('input') input: unknown, @Context() context: GraphQLContext) {
    const actor = requireActor(context);
    const outcome = await this.dispatch.execute(this.factory.updateSession(actor, input), context);
    return this.dispatch.sessionAfter(actor, outcome);
  }

  @Mutation('startRun')
  async startRun(@Args('input') input: unknown, @Context() context: GraphQLContext) {
    const actor = requireActor(context);
    const command = this.factory.startRun(actor, input);
    const outcome = await this.dispatch.execute(command, context);
    return this.dispatch.runAfter(actor, outcome, command.runId);
  }

  @Mutation('appendRunEvents')
  async appendRunEvents(@Args('input') input: unknown, @Context() context: GraphQLContext) {
    const actor = requireActor(context);
    const command = this.factory.appendRunEvents(actor, input);
    const outcome = await this.dispatch.execute(command, context);
    const position: Position | null = outcome.appended?.position ?? outcome.session.lastPosition;
    if (position) await this.queries.execute(new GetSessionQuery(actor, command.sessionId, position));
    const first = outcome.appended?.firstRevision ?? Math.min(...outcome.deduplicatedRevisions);
    const last = outcome.appended?.lastRevision ?? Math.max(...outcome.deduplicatedRevisions);
    return {
      sessionId: command.sessionId,
      runId: command.runId ?? null,
      firstSequence: first,
      lastSequence: last,
      position: position ? formatPosition(position) : '',
      deduplicated: outcome.deduplicated,
    };
  }

  @Mutation('finishRun')
  async finishRun(@Args('input') input: unknown, @Context() context: GraphQLContext) {
    const actor = requireActor(context);
    const command = this.factory.finishRun(actor, input);
    return this.dispatch.runAfter(actor, await this.dispatch.execute(command, context), command.runId);
  }

  @Mutation('resolveCheckpoint')
  async resolveCheckpoint(@Args('input') input: unknown, @Context() context: GraphQLContext) {
    const actor = requireActor(context);
    const command = this.factory.resolveCheckpoint(actor, input);
    return this.dispatch.runAfter(actor, await this.dispatch.execute(command, context), command.runId);
  }

  @Mutation('endSession')
  async endSession(@Args('input') input: unknown, @Context() context: GraphQLContext) {
    const actor = requireActor(context);
    return this.dispatch.sessionAfter(actor, await this.dispatch.execute(this.factory.endSession(actor, input), context));
  }

  @Mutation('setPinned')
  async setPinned(@Args('input') input: unknown, @Context() context: GraphQLContext) {
    const actor = requireActor(context);
    const command = this.factory.setPinned(actor, input);
    const outcome = await this.commands.execute<SetPinnedCommand, SetPinnedOutcome>(new SetPinnedCommand(command, context.requestId));
    const session = await this.queries.execute<GetSessionQuery, SessionModel | null>(new GetSessionQuery(actor, command.sessionId, outcome.position));
    if (!session) throw new UnavailableError('the pin was stored but the session cannot be read back yet; query it again shortly');
    return session;
  }

  @Mutation('rebuildProjection')
  rebuildProjection(@Args('name') name: string, @Context() context: GraphQLContext) {
    requireAdmin(context);
    return this.commands.execute(new RebuildProjectionCommand(name));
  }

  @Mutation('verifyProjection')
  verifyProjection(@Args('name') name: string, @Context() context: GraphQLContext) {
    requireAdmin(context);
    return this.commands.execute(new VerifyProjectionCommand(name));
  }
}

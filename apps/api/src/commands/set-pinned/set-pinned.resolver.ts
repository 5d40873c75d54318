import { Inject } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { Args, Context, Mutation, Resolver } from '@nestjs/graphql';
import { randomUUID } from 'node:crypto';
import { Actor, SetPinned, UnavailableError } from '@ledger/domain';
import { CLOCK, Clock } from '../../platform/clock';
import { GraphQLContext, requireActor } from '../../platform/graphql/context';
import { ReadYourWrites } from '../../queries/projections/read-your-writes';
import { SessionQueries } from '../../queries/sessions/sessions.queries';
import { validateInput } from '../validation';
import { SetPinnedCommand, SetPinnedOutcome } from './set-pinned.handler';
import { SetPinnedInput } from './set-pinned.input';

export function toSetPinned(actor: Actor, input: SetPinnedInput, at: string): SetPinned {
  return { type: 'SetPinned', actor, sessionId: input.sessionId, pinned: input.pinned, at, eventId: randomUUID() };
}

@Resolver('Mutation')
export class SetPinnedResolver {
  constructor(
    private readonly commands: CommandBus,
    private readonly readYourWrites: ReadYourWrites,
    private readonly sessions: SessionQueries,
    @Inject(CLOCK) private readonly clock: Clock,
  ) {}

  /** Every role may pin, for itself. */
  @Mutation('setPinned')
  async setPinned(@Args('input') raw: unknown, @Context() context: GraphQLContext) {
    const actor = requireActor(context);
    const command = toSetPinned(actor, validateInput(SetPinnedInput, raw), this.clock().toISOString());
    const outcome = await this.commands.execute<SetPinnedCommand, SetPinnedOutcome>(new SetPinnedCommand(command, context.requestId));
    await this.readYourWrites.waitFor(outcome.position);
    const session = await this.sessions.session(actor, command.sessionId);
    if (!session) throw new UnavailableError('the pin was stored but the session cannot be read back yet; query it again shortly');
    return session;
  }
}

import { CommandHandler, ICommandHandler } from '@nestjs/cqrs';
import { BadUserInputError, ConflictError } from '@ledger/domain';
import { ProjectionBusyError, ProjectionEngine, ProjectionStatusView, ProjectionVerificationView, UnknownProjectionError } from '@ledger/projections';

/** The engine's refusals in the contract's terms. */
function translate(error: unknown): never {
  if (error instanceof ProjectionBusyError) throw new ConflictError(error.message);
  if (error instanceof UnknownProjectionError) throw BadUserInputError.field('name', error.message);
  throw error;
}

export class RebuildProjectionCommand {
  constructor(readonly name: string) {}
}

@CommandHandler(RebuildProjectionCommand)
export class RebuildProjectionHandler implements ICommandHandler<RebuildProjectionCommand, ProjectionStatusView> {
  constructor(private readonly engine: ProjectionEngine) {}

  execute({ name }: RebuildProjectionCommand): Promise<ProjectionStatusView> {
    return this.engine.rebuild(name).catch(translate);
  }
}

export class VerifyProjectionCommand {
  constructor(readonly name: string) {}
}

@CommandHandler(VerifyProjectionCommand)
export class VerifyProjectionHandler implements ICommandHandler<VerifyProjectionCommand, ProjectionVerificationView> {
  constructor(private readonly engine: ProjectionEngine) {}

  execute({ name }: VerifyProjectionCommand): Promise<ProjectionVerificationView> {
    return this.engine.verify(name).catch(translate);
  }
}

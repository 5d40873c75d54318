import { Logger, Module } from '@nestjs/common';
import { RedactionThread, Redactor } from '@ledger/redaction';
import { ProjectionsModule } from '../queries/projections/projections.module';
import { RunsModule } from '../queries/runs/runs.module';
import { SessionsModule } from '../queries/sessions/sessions.module';
import { AppendRunEventsResolver } from './append-run-events/append-run-events.resolver';
import { priceTableProvider } from '../pricing/genai-price-table';
import { CommandPreparation } from './command-preparation';
import { EndSessionResolver } from './end-session/end-session.resolver';
import { FinishRunResolver } from './finish-run/finish-run.resolver';
import { MutationAnswers } from './mutation-answers';
import { REDACTOR } from './redactor.port';
import { ResolveCheckpointResolver } from './resolve-checkpoint/resolve-checkpoint.resolver';
import { SessionCommandHandler } from './session-command.handler';
import { SetPinnedHandler } from './set-pinned/set-pinned.handler';
import { SetPinnedResolver } from './set-pinned/set-pinned.resolver';
import { StartRunResolver } from './start-run/start-run.resolver';
import { StartSessionResolver } from './start-session/start-session.resolver';
import { UpdateSessionResolver } from './update-session/update-session.resolver';

/** The write side: one folder per mutation (input, validation, command mapping, resolver field), one command handler. */
@Module({
  imports: [SessionsModule, RunsModule, ProjectionsModule],
  providers: [
    // The credential scan on a thread of its own when built; from the sources (tests), on the event loop.
    {
      provide: REDACTOR,
      useFactory: () => (RedactionThread.available() ? new RedactionThread(RedactionThread.WORKER, (line) => new Logger('Redaction').warn(line)) : new Redactor()),
    },
    CommandPreparation,
    priceTableProvider,
    SessionCommandHandler,
    SetPinnedHandler,
    MutationAnswers,
    StartSessionResolver,
    UpdateSessionResolver,
    StartRunResolver,
    AppendRunEventsResolver,
    FinishRunResolver,
    ResolveCheckpointResolver,
    EndSessionResolver,
    SetPinnedResolver,
  ],
})
export class CommandsModule {}

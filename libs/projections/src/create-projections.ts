import { ActivityWindows, DEFAULT_WINDOWS } from '@ledger/domain';
import { ManagedAgentsProjection } from './managed-agents.projection';
import { PinsProjection } from './pins.projection';
import type { Projection } from './projection';
import { RunsProjection } from './runs.projection';
import { SessionsProjection } from './sessions.projection';
import { UsageProjection } from './usage.projection';

/** Every read model's projection, in one place: for the api, the projector, the tests and the bench. */
export function createProjections(windows: ActivityWindows = DEFAULT_WINDOWS): Projection[] {
  return [new SessionsProjection(windows), new RunsProjection(), new UsageProjection(), new ManagedAgentsProjection(), new PinsProjection()];
}

import { Controller, Get, Inject } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { EVENT_STORE, EventStore } from '@ledger/event-store';
import { Projections, PROJECTIONS } from '@ledger/projections';

/**
 * GET /health/live: the process answers. GET /health (readiness): the event store answers and
 * every projection is live (none failed, none still replaying the store after a start).
 */
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(PROJECTIONS) private readonly projections: Projections,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get()
  @HealthCheck()
  ready() {
    return this.health.check([
      async () => {
        const indicator = this.indicators.check('eventStore');
        try {
          await this.store.headPosition();
          return indicator.up();
        } catch {
          return indicator.down({ message: 'the event store does not answer' });
        }
      },
      async () => {
        const indicator = this.indicators.check('projections');
        const failed = this.projections.failedProjections();
        const catchingUp = this.projections.catchingUpProjections();
        return failed.length === 0 && catchingUp.length === 0 ? indicator.up() : indicator.down({ failed, catchingUp });
      },
    ]);
  }
}

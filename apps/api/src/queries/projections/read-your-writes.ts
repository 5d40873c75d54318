import { Inject, Injectable } from '@nestjs/common';
import type { Position } from '@ledger/event-store';
import { Projections, PROJECTIONS } from '@ledger/projections';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';

/**
 * Read-your-writes: a mutation's answer waits (bounded by READ_YOUR_WRITES_TIMEOUT_MS) until the
 * projections' checkpoints have passed the position its append was stored at.
 */
@Injectable()
export class ReadYourWrites {
  constructor(
    @Inject(PROJECTIONS) private readonly projections: Projections,
    @Inject(LEDGER_CONFIG) private readonly config: LedgerConfig,
  ) {}

  /** True once every projection has applied `position` (at once when there is none); false on timeout. */
  async waitFor(position: Position | null): Promise<boolean> {
    if (!position) return true;
    return this.projections.waitFor(position, this.config.readYourWritesTimeoutMs);
  }
}

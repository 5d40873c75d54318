import type { BenchContext } from '../support/context';

/** One scenario of the table, numbered as there. */
export interface Scenario {
  id: string;
  title: string;
  /** Scenarios whose figures this one's rows refer to (run first even when not selected). */
  needs?: string[];
  run(ctx: BenchContext): Promise<void>;
}

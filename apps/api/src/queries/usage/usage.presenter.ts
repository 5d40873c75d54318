import { roundUsd, TokenUsage, ZERO_USAGE } from '@ledger/domain';

/**
 * Usage summed by $inc or $sum adds binary fractions (0.1 + 0.2 = 0.30000000000000004); costs are
 * kept to micro-dollars, as the session's own usage is.
 */
export function presentUsage(usage: TokenUsage | null | undefined): TokenUsage {
  // Documents written before a field existed read it as 0.
  const value = { ...ZERO_USAGE, ...usage };
  return { ...value, costUsd: roundUsd(value.costUsd) };
}

import { Inject, Injectable, Module } from '@nestjs/common';
import { LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';

/**
 * Open subscriptions per API key, over all of the key's connections, capped at
 * MAX_SUBSCRIPTIONS_PER_KEY. graphql-ws tells us when one starts (onSubscribe), completes
 * (onComplete) and when its socket closes (onClose, which ends every subscription on it).
 */
@Injectable()
export class SubscriptionLimiter {
  private readonly openByKey = new Map<string, number>();

  constructor(@Inject(LEDGER_CONFIG) private readonly config: LedgerConfig) {}

  get cap(): number {
    return this.config.rateLimits.maxSubscriptionsPerKey;
  }

  /** True and counted when the key is under its cap; false (nothing counted) when it is at it. */
  tryOpen(keyId: string): boolean {
    const open = this.openByKey.get(keyId) ?? 0;
    if (open >= this.cap) return false;
    this.openByKey.set(keyId, open + 1);
    return true;
  }

  close(keyId: string): void {
    const open = (this.openByKey.get(keyId) ?? 0) - 1;
    if (open > 0) this.openByKey.set(keyId, open);
    else this.openByKey.delete(keyId);
  }

  openFor(keyId: string): number {
    return this.openByKey.get(keyId) ?? 0;
  }
}

/** Its own module: the graphql-ws hooks that use it are built before the feature modules. */
@Module({ providers: [SubscriptionLimiter], exports: [SubscriptionLimiter] })
export class SubscriptionLimitsModule {}

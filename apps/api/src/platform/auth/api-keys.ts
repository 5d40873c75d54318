import { Inject, Injectable, Logger } from '@nestjs/common';
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Actor, PRINCIPAL_TYPES, PrincipalType, Role, ROLES } from '@ledger/domain';
import { ApiKeyEntry, ConfigError, LEDGER_CONFIG, LedgerConfig } from '@ledger/runtime';

function hashKey(key: string): Buffer {
  return createHash('sha256').update(key).digest();
}

export const DEV_KEY_FILE = 'dev-api-key.json';

/**
 * API keys, held only as SHA-256 hashes. Lookup is by the hash of the presented key, then a
 * constant-time comparison, so a key is never kept or compared in the clear.
 */
@Injectable()
export class ApiKeyRegistry {
  private readonly logger = new Logger('ApiKeys');
  private readonly actors = new Map<string, { hash: Buffer; actor: Actor }>();

  constructor(@Inject(LEDGER_CONFIG) config: LedgerConfig) {
    const entries = config.apiKeys ?? this.devKeys(config);
    entries.forEach((entry, index) => this.add(entry, index));
  }

  authenticate(authorization: string | undefined | null): Actor | null {
    if (!authorization) return null;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match) return null;
    const hash = hashKey(match[1]!);
    const found = this.actors.get(hash.toString('hex'));
    return found && timingSafeEqual(found.hash, hash) ? found.actor : null;
  }

  private add(entry: ApiKeyEntry, index: number): void {
    const where = `API key ${index} (organization ${entry.organizationId})`;
    if (!(PRINCIPAL_TYPES as readonly string[]).includes(entry.principal.type)) {
      throw new ConfigError(`${where}: principal.type must be one of ${PRINCIPAL_TYPES.join(', ')}`);
    }
    const unknownRole = entry.roles.find((role) => !(ROLES as readonly string[]).includes(role));
    if (unknownRole) throw new ConfigError(`${where}: unknown role ${unknownRole}; roles are ${ROLES.join(', ')}`);
    const hash = hashKey(entry.key);
    this.actors.set(hash.toString('hex'), {
      hash,
      actor: Object.freeze({
        organizationId: entry.organizationId,
        principal: { type: entry.principal.type as PrincipalType, id: entry.principal.id, name: entry.principal.name ?? null },
        roles: Object.freeze([...entry.roles] as Role[]),
      }),
    });
  }

  /**
   * With no keys configured, the embedded default makes one ADMIN key for a "dev" organization
   * on first start and keeps it under DATA_DIR, so a new user can call the API at once.
   */
  private devKeys(config: LedgerConfig): ApiKeyEntry[] {
    if (config.eventStoreUrl) {
      throw new ConfigError('no API keys configured: set LEDGER_API_KEYS or LEDGER_API_KEYS_FILE (a dev key is made only for the embedded store)');
    }
    const file = join(config.dataDir, DEV_KEY_FILE);
    if (existsSync(file)) return [JSON.parse(readFileSync(file, 'utf8')) as ApiKeyEntry];
    mkdirSync(config.dataDir, { recursive: true });
    const entry: ApiKeyEntry = {
      key: `al_dev_${randomBytes(24).toString('hex')}`,
      organizationId: 'dev',
      principal: { type: 'USER', id: 'dev-admin', name: 'Dev Admin' },
      roles: ['ADMIN'],
    };
    writeFileSync(file, JSON.stringify(entry, null, 2), { mode: 0o600 });
    this.logger.log(
      `created a dev ADMIN key for organization "dev" in ${file}\n` +
        `  try: curl -s http://localhost:${config.port}/graphql -H 'content-type: application/json' ` +
        `-H 'authorization: Bearer ${entry.key}' -d '{"query":"{ commandCenter { counts { active attention recent } } }"}'`,
    );
    return [entry];
  }
}

import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export const CONTRACT_FILE = join('contract', 'schema.graphql');

/**
 * The project's root: the nearest folder above `from` that holds the contract. The same code runs
 * from the sources (under jest) and from dist/, at different depths.
 */
export function projectRoot(from = __dirname): string {
  for (let dir = from; ; dir = dirname(dir)) {
    if (existsSync(join(dir, CONTRACT_FILE))) return dir;
    if (dirname(dir) === dir) throw new Error(`${CONTRACT_FILE} not found above ${from}`);
  }
}

/** The served schema: the repo's copy of the public contract, with this server's additions at its end. */
export function contractTypeDefs(): string {
  return readFileSync(join(projectRoot(), CONTRACT_FILE), 'utf8');
}

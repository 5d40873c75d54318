import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UsageError } from './errors';

export const DEFAULT_URL = 'http://localhost:4000/graphql';
/** Where the embedded default keeps the ADMIN key it makes on first start (see apps/api auth). */
export const DEV_KEY_FILE = 'dev-api-key.json';

export type KeySource = '--key' | 'LEDGER_API_KEY' | 'dev key file';

export interface Connection {
  url: string;
  key: string;
  keySource: KeySource;
  /** The dev key file, when the key came from it. */
  keyFile?: string;
}

export interface ConnectionInputs {
  options: { url?: string; key?: string };
  env: Record<string, string | undefined>;
  cwd: string;
  /** The file's text, or null when it does not exist. */
  readFile?: (path: string) => string | null;
}

function readIfExists(path: string): string | null {
  return existsSync(path) ? readFileSync(path, 'utf8') : null;
}

/** The dev key file of the embedded default: $DATA_DIR/dev-api-key.json, DATA_DIR defaulting to ./data. */
export function devKeyFile(env: Record<string, string | undefined>, cwd: string): string {
  return join(resolve(cwd, env.DATA_DIR || './data'), DEV_KEY_FILE);
}

/**
 * URL: --url, else LEDGER_URL, else the embedded default's address. Key: --key, else
 * LEDGER_API_KEY, else the dev key that the embedded default wrote under DATA_DIR.
 */
export function resolveConnection({ options, env, cwd, readFile = readIfExists }: ConnectionInputs): Connection {
  const url = (options.url ?? env.LEDGER_URL ?? '').trim() || DEFAULT_URL;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`--url ${JSON.stringify(url)} is not a URL; give the server's GraphQL endpoint, e.g. ${DEFAULT_URL}`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new UsageError(`--url must be an http:// or https:// GraphQL endpoint (subscriptions use the same address over WebSocket); got ${url}`);
  }
  // A base address (http://host:4000) means the server's one endpoint.
  const endpoint = parsed.pathname === '/' && !url.endsWith('/graphql') ? new URL('/graphql', parsed).toString() : url;
  const given = options.key?.trim();
  if (options.key !== undefined && !given) throw new UsageError('--key is empty');
  if (given) return { url: endpoint, key: given, keySource: '--key' };
  const fromEnv = env.LEDGER_API_KEY?.trim();
  if (fromEnv) return { url: endpoint, key: fromEnv, keySource: 'LEDGER_API_KEY' };
  const file = devKeyFile(env, cwd);
  const text = readFile(file);
  if (text === null) {
    throw new UsageError(
      `no API key: give --key or set LEDGER_API_KEY (the embedded default writes an ADMIN dev key to ${file} on its first start, ` +
        'and it is used when present)',
    );
  }
  let key: unknown;
  try {
    key = (JSON.parse(text) as { key?: unknown }).key;
  } catch {
    throw new UsageError(`${file} is not valid JSON; give --key or set LEDGER_API_KEY`);
  }
  if (typeof key !== 'string' || !key.trim()) throw new UsageError(`${file} holds no "key"; give --key or set LEDGER_API_KEY`);
  return { url: endpoint, key: key.trim(), keySource: 'dev key file', keyFile: file };
}

/** How to put this key in a shell command without printing it: the variable or the file it came from. */
export function keyShellHint(connection: Connection): string {
  switch (connection.keySource) {
    case 'LEDGER_API_KEY':
      return '$LEDGER_API_KEY';
    case 'dev key file':
      return `$(node -p "require('${connection.keyFile}').key")`;
    case '--key':
      return '<your key>';
    default: {
      const _never: never = connection.keySource;
      return _never;
    }
  }
}

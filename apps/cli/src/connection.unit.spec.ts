import { join } from 'node:path';
import { DEFAULT_URL, devKeyFile, keyShellHint, resolveConnection } from './connection';
import { UsageError } from './errors';

const DEV_KEY = JSON.stringify({ key: 'al_dev_abc', organizationId: 'dev', principal: { type: 'USER', id: 'dev-admin' }, roles: ['ADMIN'] });

function files(map: Record<string, string>) {
  return (path: string) => map[path] ?? null;
}

describe('finding the server and the key', () => {
  it('takes --url and --key first', () => {
    const connection = resolveConnection({
      options: { url: 'http://ledger:8080/graphql', key: 'k-option' },
      env: { LEDGER_URL: 'http://other/graphql', LEDGER_API_KEY: 'k-env' },
      cwd: '/work',
      readFile: files({ '/work/data/dev-api-key.json': DEV_KEY }),
    });
    expect(connection).toEqual({ url: 'http://ledger:8080/graphql', key: 'k-option', keySource: '--key' });
  });

  it('then LEDGER_URL and LEDGER_API_KEY', () => {
    const connection = resolveConnection({ options: {}, env: { LEDGER_URL: 'https://ledger.example/graphql', LEDGER_API_KEY: ' k-env ' }, cwd: '/work' });
    expect(connection).toEqual({ url: 'https://ledger.example/graphql', key: 'k-env', keySource: 'LEDGER_API_KEY' });
  });

  it("then the embedded default's dev key under ./data, at the default address", () => {
    const connection = resolveConnection({ options: {}, env: {}, cwd: '/work', readFile: files({ '/work/data/dev-api-key.json': DEV_KEY }) });
    expect(connection).toEqual({ url: DEFAULT_URL, key: 'al_dev_abc', keySource: 'dev key file', keyFile: '/work/data/dev-api-key.json' });
  });

  it('respects DATA_DIR, relative to the working directory or absolute', () => {
    expect(devKeyFile({ DATA_DIR: 'var/ledger' }, '/work')).toBe(join('/work/var/ledger', 'dev-api-key.json'));
    expect(devKeyFile({ DATA_DIR: '/srv/ledger' }, '/work')).toBe('/srv/ledger/dev-api-key.json');
    const connection = resolveConnection({ options: {}, env: { DATA_DIR: '/srv/ledger' }, cwd: '/work', readFile: files({ '/srv/ledger/dev-api-key.json': DEV_KEY }) });
    expect(connection.key).toBe('al_dev_abc');
  });

  it('takes a base address as the server\'s /graphql endpoint', () => {
    expect(resolveConnection({ options: { url: 'http://localhost:4000', key: 'k' }, env: {}, cwd: '/w' }).url).toBe('http://localhost:4000/graphql');
    expect(resolveConnection({ options: { url: 'http://localhost:4000/', key: 'k' }, env: {}, cwd: '/w' }).url).toBe('http://localhost:4000/graphql');
    expect(resolveConnection({ options: { url: 'https://x.example/ledger/graphql', key: 'k' }, env: {}, cwd: '/w' }).url).toBe('https://x.example/ledger/graphql');
  });

  it('names the key in shell hints without printing it', () => {
    expect(keyShellHint({ url: DEFAULT_URL, key: 'secret', keySource: 'LEDGER_API_KEY' })).toBe('$LEDGER_API_KEY');
    expect(keyShellHint({ url: DEFAULT_URL, key: 'secret', keySource: 'dev key file', keyFile: '/w/data/dev-api-key.json' })).toBe(
      `$(node -p "require('/w/data/dev-api-key.json').key")`,
    );
    expect(keyShellHint({ url: DEFAULT_URL, key: 'secret', keySource: '--key' })).not.toContain('secret');
  });

  it('says how to give a key when there is none', () => {
    expect(() => resolveConnection({ options: {}, env: {}, cwd: '/work', readFile: files({}) })).toThrow(UsageError);
    expect(() => resolveConnection({ options: {}, env: {}, cwd: '/work', readFile: files({}) })).toThrow(/--key or set LEDGER_API_KEY.*\/work\/data\/dev-api-key.json/);
  });

  it('refuses a broken dev key file, an empty --key and a URL that is not http(s)', () => {
    expect(() => resolveConnection({ options: {}, env: {}, cwd: '/w', readFile: files({ '/w/data/dev-api-key.json': 'not json' }) })).toThrow(/not valid JSON/);
    expect(() => resolveConnection({ options: {}, env: {}, cwd: '/w', readFile: files({ '/w/data/dev-api-key.json': '{"key":""}' }) })).toThrow(/holds no "key"/);
    expect(() => resolveConnection({ options: { key: ' ' }, env: {}, cwd: '/w' })).toThrow(/--key is empty/);
    expect(() => resolveConnection({ options: { url: 'ws://x/graphql', key: 'k' }, env: {}, cwd: '/w' })).toThrow(/http:\/\/ or https:\/\//);
    expect(() => resolveConnection({ options: { url: 'localhost 4000', key: 'k' }, env: {}, cwd: '/w' })).toThrow(/is not a URL/);
  });
});

import { ConfigError, loadConfig } from './ledger-config';
import { EventStoreDBClient } from '@eventstore/db-client';

describe('configuration, validated once at start', () => {
  it('has the documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 4000,
      eventStoreUrl: null,
      mongodbUrl: null,
      apiKeys: null,
      modelPrices: {},
      windows: { chatActiveSeconds: 1800, recentSeconds: 86400 },
      readYourWritesTimeoutMs: 5000,
      live: { subscriberBufferSize: 1000 },
      heapHeadroomMiB: 96,
    });
    expect(config.dataDir).toMatch(/data$/);
  });

  it('HEAP_HEADROOM_MIB=0 leaves V8 its own heuristic', () => {
    expect(loadConfig({ HEAP_HEADROOM_MIB: '0' }).heapHeadroomMiB).toBeNull();
    expect(loadConfig({ HEAP_HEADROOM_MIB: '256' }).heapHeadroomMiB).toBe(256);
  });

  it('reads every setting', () => {
    const config = loadConfig({
      PORT: '4100',
      DATA_DIR: '/tmp/ledger',
      EVENTSTORE_URL: 'esdb://localhost:2113?tls=false',
      MONGODB_URL: 'mongodb://localhost:27017/?replicaSet=rs0',
      LEDGER_API_KEYS: JSON.stringify([{ key: 'k'.repeat(16), organizationId: 'o', principal: { type: 'USER', id: 'u' }, roles: ['VIEWER'] }]),
      LEDGER_MODEL_PRICES: '{"m":{"inputPerMTok":3,"outputPerMTok":15}}',
      CHAT_ACTIVE_WINDOW_SECONDS: '60',
      RECENT_WINDOW_SECONDS: '3600',
    });
    expect(config).toMatchObject({
      port: 4100,
      dataDir: '/tmp/ledger',
      eventStoreUrl: 'esdb://localhost:2113?tls=false',
      mongodbUrl: 'mongodb://localhost:27017/?replicaSet=rs0',
      modelPrices: { m: { inputPerMTok: 3, outputPerMTok: 15 } },
      windows: { chatActiveSeconds: 60, recentSeconds: 3600 },
    });
    expect(config.apiKeys).toHaveLength(1);
  });

  it.each([
    [{ PORT: 'abc' }, 'PORT: PORT must be an integer number'],
    [{ PORT: '70000' }, 'PORT: PORT must not be greater than 65535'],
    [{ EVENTSTORE_URL: 'http://x' }, 'EVENTSTORE_URL must be an esdb:// or kurrentdb:// connection string'],
    [{ MONGODB_URL: 'localhost' }, 'MONGODB_URL must be a mongodb:// or mongodb+srv:// connection string'],
    [{ CHAT_ACTIVE_WINDOW_SECONDS: '0' }, 'CHAT_ACTIVE_WINDOW_SECONDS must not be less than 1'],
    [{ HEAP_HEADROOM_MIB: '-5' }, 'HEAP_HEADROOM_MIB must not be less than 0'],
    [{ LEDGER_API_KEYS: 'not json' }, 'LEDGER_API_KEYS is not valid JSON'],
    [{ LEDGER_API_KEYS: '[{"key":"short"}]' }, 'LEDGER_API_KEYS[0].key must be a string of at least 16 characters'],
    [{ LEDGER_MODEL_PRICES: '{"m":{"inputPerMTok":"x"}}' }, 'LEDGER_MODEL_PRICES.m needs numeric inputPerMTok and outputPerMTok'],
    [{ LEDGER_API_KEYS_FILE: '/nonexistent/keys.json' }, 'LEDGER_API_KEYS_FILE /nonexistent/keys.json cannot be read (ENOENT)'],
  ])('a bad value stops the start with one clear line: %j', (environment, message) => {
    expect(() => loadConfig(environment)).toThrow(ConfigError);
    expect(() => loadConfig(environment)).toThrow(message);
  });
});

describe('EVENTSTORE_URL, as the EventStoreDB client parses it', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { parseConnectionString } = require('@eventstore/db-client/dist/Client/parseConnectionString') as {
    parseConnectionString(text: string): { dnsDiscover: boolean; hosts: { address: string; port: number }[]; tls?: boolean };
  };

  it('is refused by the client in KurrentDB spelling, which is why the config rewrites it', () => {
    expect(() => parseConnectionString('kurrentdb://eventstore:2113?tls=false')).toThrow(/esdb:\/\/ or esdb\+discover:\/\//);
  });

  it.each([
    ['esdb://eventstore:2113?tls=false', false],
    ['kurrentdb://eventstore:2113?tls=false', false],
    ['kurrent://eventstore:2113?tls=false', false],
    ['kdb://eventstore:2113?tls=false', false],
    ['kurrentdb+discover://eventstore:2113?tls=false', true],
    ['esdb+discover://eventstore:2113?tls=false', true],
  ])('accepts %s in a form the client parses', (url, discover) => {
    const { eventStoreUrl } = loadConfig({ EVENTSTORE_URL: url });
    const parsed = parseConnectionString(eventStoreUrl!);
    expect(parsed).toMatchObject({ dnsDiscover: discover, hosts: [{ address: 'eventstore', port: 2113 }], tls: false });
    expect(() => EventStoreDBClient.connectionString(eventStoreUrl!)).not.toThrow();
  });
});

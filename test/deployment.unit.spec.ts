import dockerignore from '@balena/dockerignore';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { runInNewContext } from 'node:vm';
import { parse } from 'yaml';

/**
 * The deployment files, read as Docker and the stores' own clients read them: compose through a
 * YAML parser, .dockerignore through Docker's matching rules, connection strings through the
 * EventStoreDB client's and the MongoDB driver's parsers, and the MongoDB health check run as
 * mongosh would run it, against a member in each state.
 */

const ROOT = join(__dirname, '..');
const read = (file: string) => readFileSync(join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  restart?: string;
  environment?: Record<string, string | number>;
  ports?: string[];
  healthcheck?: { test: string[] };
}
const compose = parse(read('docker-compose.yml')) as { services: Record<string, Service> };
const services = compose.services;

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseConnectionString } = require('@eventstore/db-client/dist/Client/parseConnectionString') as {
  parseConnectionString(text: string): { hosts: { address: string; port: number }[]; tls?: boolean };
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parseOptions } = require('mongodb/lib/connection_string') as {
  parseOptions(url: string): { directConnection: boolean; replicaSet?: string; dbName: string; hosts: { toString(): string }[] };
};

describe('docker-compose.yml', () => {
  /** Runs the health check's script as mongosh does: `quit(n)` ends it with exit code n, else it exits 0. */
  function mongoHealth(member: { initiated: boolean; writablePrimary: boolean }): { exitCode: number; initiated: unknown[] } {
    const script = services.mongodb!.healthcheck!.test.at(-1)!;
    const initiated: unknown[] = [];
    class Quit {
      constructor(readonly code: number) {}
    }
    const sandbox = {
      rs: {
        status: () => {
          if (!member.initiated) throw new Error('no replset config has been received');
          return { ok: 1 };
        },
        initiate: (config: unknown) => {
          initiated.push(config);
          return { ok: 1 };
        },
      },
      db: { hello: () => ({ isWritablePrimary: member.writablePrimary }) },
      quit: (code = 0) => {
        throw new Quit(code);
      },
    };
    try {
      runInNewContext(script, sandbox);
    } catch (thrown) {
      if (thrown instanceof Quit) return { exitCode: thrown.code, initiated };
      throw thrown;
    }
    return { exitCode: 0, initiated };
  }

  it('MongoDB is healthy only as the writable primary, and the check initiates the set on first start', () => {
    const first = mongoHealth({ initiated: false, writablePrimary: false });
    expect(first.initiated).toEqual([{ _id: 'rs0', members: [{ _id: 0, host: 'mongodb:27017' }] }]);
    expect(first.exitCode).toBe(1);
    expect(mongoHealth({ initiated: true, writablePrimary: false })).toEqual({ exitCode: 1, initiated: [] });
    expect(mongoHealth({ initiated: true, writablePrimary: true })).toEqual({ exitCode: 0, initiated: [] });
  });

  it('uses current EventStoreDB settings: the node port, no AtomPub', () => {
    const environment = services.eventstore!.environment!;
    expect(environment.EVENTSTORE_NODE_PORT).toBe(2113);
    expect(Object.keys(environment)).not.toContain('EVENTSTORE_HTTP_PORT');
    expect(Object.keys(environment).filter((name) => name.includes('ATOM_PUB'))).toEqual([]);
  });

  it('restarts every service and checks the health of every service', () => {
    for (const [name, service] of Object.entries(services)) {
      expect([name, service.restart]).toEqual([name, 'unless-stopped']);
      expect([name, service.healthcheck?.test.length ?? 0]).not.toEqual([name, 0]);
    }
  });

  it('publishes the unauthenticated stores on localhost only', () => {
    for (const name of ['eventstore', 'mongodb']) {
      for (const port of services[name]!.ports ?? []) expect([name, port]).toEqual([name, expect.stringMatching(/^127\.0\.0\.1:/)]);
    }
  });

  it('gives the api and the projector connection strings their clients parse, to the set inside the network', () => {
    for (const name of ['api', 'projector']) {
      const environment = services[name]!.environment!;
      const esdb = parseConnectionString(String(environment.EVENTSTORE_URL));
      expect(esdb).toMatchObject({ hosts: [{ address: 'eventstore', port: 2113 }], tls: false });
      const mongo = parseOptions(String(environment.MONGODB_URL));
      expect(mongo).toMatchObject({ replicaSet: 'rs0', directConnection: false, dbName: 'agent_ledger' });
      expect(mongo.hosts.map(String)).toEqual(['mongodb:27017']);
    }
  });
});

describe('README production section', () => {
  const readme = read('README.md');

  it('gives host URLs the clients parse: MongoDB with directConnection=true (the member is named for the compose network)', () => {
    const mongoUrls = [...readme.matchAll(/mongodb:\/\/localhost[^\s'"`]*/g)].map((match) => match[0]);
    expect(mongoUrls.length).toBeGreaterThan(0);
    for (const url of mongoUrls) expect([url, parseOptions(url).directConnection]).toEqual([url, true]);
    const esdbUrls = [...readme.matchAll(/esdb:\/\/localhost[^\s'"`]*/g)].map((match) => match[0]);
    expect(esdbUrls.length).toBeGreaterThan(0);
    for (const url of esdbUrls) expect(parseConnectionString(url).hosts).toEqual([{ address: 'localhost', port: 2113 }]);
  });
});

describe('Dockerfile and .dockerignore', () => {
  const ignore = dockerignore().add(read('.dockerignore'));

  it('keeps the host’s node_modules, build output, data, keys and .env out of the build context', () => {
    for (const path of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'apps/console/node_modules/react/index.js',
      'dist/apps/api/src/main.js',
      'data/events.sqlite',
      'data/dev-api-key.json',
      'api-keys.json',
      '.env',
      '.env.production',
      '.git/HEAD',
    ]) {
      expect([path, ignore.ignores(path)]).toEqual([path, true]);
    }
  });

  it('keeps everything the build needs in the context', () => {
    for (const path of ['package.json', 'package-lock.json', 'tsconfig.json', 'tsconfig.build.json', 'nest-cli.json', 'apps/api/src/main.ts', 'libs/domain/src/index.ts', 'contract/schema.graphql']) {
      expect([path, ignore.ignores(path)]).toEqual([path, false]);
    }
  });

  it('gives the runtime user a data folder it owns before switching to it', () => {
    const runtime = read('Dockerfile').split(/^FROM /m).at(-1)!;
    const lines = runtime.split('\n');
    const user = lines.findIndex((line) => /^USER node\b/.test(line));
    const makesData = lines.findIndex((line) => /^RUN .*mkdir -p \/app\/data.*chown node:node \/app\/data/.test(line));
    expect(user).toBeGreaterThan(0);
    expect(makesData).toBeGreaterThan(0);
    expect(makesData).toBeLessThan(user);
    expect(runtime).toMatch(/^ENV DATA_DIR=\/app\/data$/m);
  });
});

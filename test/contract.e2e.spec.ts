import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildClientSchema, buildSchema, getIntrospectionQuery, GraphQLSchema, IntrospectionQuery, isEnumType, isInputObjectType, isInterfaceType, isObjectType } from 'graphql';
import { GraphQLClient } from './support/graphql-client';
import { KEYS, LedgerServer, removeDir, ROOT, startServer } from './support/ledger-server';

/** The repo's own copy of the public contract: what the server serves, and what a plain clone tests against. */
const CONTRACT = join(ROOT, 'contract', 'schema.graphql');
/** The team's shared contract, beside the repo when it is checked out in the workspace. */
const SHARED_CONTRACT = join(ROOT, '..', 'shared', 'contract', 'schema.graphql');

/** Every type, field, argument and enum value of the contract, as "Type.field(arg)" paths. */
function contractParts(schema: GraphQLSchema): string[] {
  const parts: string[] = [];
  for (const type of Object.values(schema.getTypeMap())) {
    if (type.name.startsWith('__')) continue;
    parts.push(`type ${type.name}`);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        parts.push(`${type.name}.${field.name}: ${String(field.type)}`);
        for (const arg of field.args) parts.push(`${type.name}.${field.name}(${arg.name}: ${String(arg.type)})`);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) parts.push(`${type.name}.${field.name}: ${String(field.type)}`);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) parts.push(`${type.name}.${value.name}`);
    }
  }
  return parts;
}

describe('the served schema holds the whole public contract', () => {
  let server: LedgerServer;

  beforeAll(async () => {
    server = await startServer();
  });

  afterAll(async () => {
    await server.stop();
    removeDir(server.dataDir);
  });

  it('has every type, field, argument and enum value of contract/schema.graphql', async () => {
    expect(existsSync(CONTRACT)).toBe(true);
    const contract = buildSchema(readFileSync(CONTRACT, 'utf8'));
    const client = new GraphQLClient(server.url, KEYS.viewer.key);
    const introspection = await client.request<IntrospectionQuery>(getIntrospectionQuery());
    const served = new Set(contractParts(buildClientSchema(introspection)));
    const expected = contractParts(contract);
    expect(expected.length).toBeGreaterThan(300);
    expect(expected.filter((part) => !served.has(part))).toEqual([]);
  });
});

describe("the repo's contract holds the whole shared contract", () => {
  const shared = existsSync(SHARED_CONTRACT);

  (shared ? it : it.skip)('has every type, field, argument and enum value of ../shared/contract/schema.graphql (skipped when there is none beside the repo)', () => {
    const repo = new Set(contractParts(buildSchema(readFileSync(CONTRACT, 'utf8'))));
    const expected = contractParts(buildSchema(readFileSync(SHARED_CONTRACT, 'utf8')));
    expect(expected.length).toBeGreaterThan(300);
    expect(expected.filter((part) => !repo.has(part))).toEqual([]);
  });
});

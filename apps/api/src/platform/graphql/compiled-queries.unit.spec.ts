import type { GatewayGraphQLRequestContext } from '@apollo/server-gateway-interface';
import { makeExecutableSchema } from '@graphql-tools/schema';
import { execute, getOperationAST, GraphQLError, parse } from 'graphql';
import { compileQuery } from 'graphql-jit';
import { BadUserInputError } from '@ledger/domain';
import { compiledQueryExecutor } from './compiled-queries';
import { DateTimeScalar } from './scalars';

const typeDefs = `
  scalar DateTime
  type Owner { type: String! id: String! name: String }
  type Row { id: ID! at: DateTime! owner: Owner tags: [String!]! count: Int! broken: String! }
  type Query {
    rows(first: Int!, since: DateTime): [Row!]!
    refused(first: Int!): [Row!]
    crashed: String
  }
  type Mutation { touch(id: ID!): Row! }
`;

const rows = Array.from({ length: 5 }, (_, i) => ({
  id: `row-${i}`,
  at: new Date(Date.UTC(2026, 11, 1, 0, i)),
  owner: i % 2 ? null : { type: 'USER', id: `u${i}`, name: i === 0 ? null : `User ${i}` },
  tags: i ? ['a', `t${i}`] : [],
  count: i * 10,
  broken: i === 3 ? null : 'fine',
}));

const schema = makeExecutableSchema({
  typeDefs,
  resolvers: {
    DateTime: DateTimeScalar,
    Query: {
      rows: async (_: unknown, args: { first: number; since?: Date }) => rows.filter((row) => !args.since || row.at >= args.since).slice(0, args.first),
      refused: (_: unknown, args: { first: number }) => {
        throw BadUserInputError.field('first', `must be at most 3, got ${args.first}`);
      },
      crashed: () => {
        throw new Error('disk on fire');
      },
    },
    Mutation: { touch: (_: unknown, args: { id: string }) => rows.find((row) => row.id === args.id) },
  },
});

/** What Apollo hands the executor for one request: the parsed document is the same object each time. */
function requestFor(query: string, variables?: Record<string, unknown>) {
  const document = parse(query);
  const operation = getOperationAST(document) ?? undefined;
  return { document, operation, request: { query, variables }, context: {} } as unknown as GatewayGraphQLRequestContext;
}

/** Errors as they leave the server: message, locations, path, extensions, and the error thrown. */
function plain(result: { data?: unknown; errors?: readonly GraphQLError[] }) {
  return {
    data: result.data,
    errors: result.errors?.map((error) => ({ ...error.toJSON(), isGraphQLJs: error instanceof GraphQLError && error.extensions !== undefined, cause: error.originalError?.message })),
  };
}

function counting() {
  const compiled: string[] = [];
  const compile: typeof compileQuery = (...args) => {
    compiled.push(args[1].loc?.source.body ?? '');
    return compileQuery(...args);
  };
  return { compile, compiled };
}

describe('compiledQueryExecutor', () => {
  const cases: { name: string; query: string; variables?: Record<string, unknown> }[] = [
    { name: 'a list with nested objects, nulls, lists and a custom scalar', query: `query($n: Int!) { rows(first: $n) { id at owner { type id name } tags count } }`, variables: { n: 4 } },
    { name: 'a scalar variable coerced by its own parser', query: `query($since: DateTime) { rows(first: 10, since: $since) { id at } }`, variables: { since: '2026-12-01T00:02:00+00:00' } },
    { name: 'a null in a non-null field, propagated to the nearest nullable parent', query: `{ rows(first: 5) { id broken } }` },
    { name: 'an error the resolver throws with a contract code', query: `query { refused(first: 9) { id } crashed }` },
    { name: 'fragments, aliases and __typename', query: `{ a: rows(first: 2) { ...R } b: rows(first: 1) { __typename id } } fragment R on Row { id count }` },
    { name: 'a variable of the wrong type', query: `query($n: Int!) { rows(first: $n) { id } }`, variables: { n: 'four' } },
    { name: 'a missing required variable', query: `query($n: Int!) { rows(first: $n) { id } }`, variables: {} },
  ];

  it.each(cases)('answers $name exactly as graphql-js, run after run, and compiles it once', async ({ query, variables }) => {
    const { compile, compiled } = counting();
    const executor = compiledQueryExecutor(schema, compile);
    const request = requestFor(query, variables);
    const expected = plain(await execute({ schema, document: request.document, variableValues: variables, contextValue: {} }));
    for (let run = 0; run < 3; run += 1) expect(plain(await executor(request))).toEqual(expected);
    expect(compiled).toEqual([query]);
  });

  it('runs a document on graphql-js the first time, and compiles it when it comes back', async () => {
    const { compile, compiled } = counting();
    const executor = compiledQueryExecutor(schema, compile);
    const request = requestFor(`{ rows(first: 1) { id } }`);
    await executor(request);
    expect(compiled).toHaveLength(0);
    await executor(request);
    expect(compiled).toHaveLength(1);
    // Another parse of the same text is another document, as Apollo's store would hand out after evicting it.
    await executor(requestFor(`{ rows(first: 1) { id } }`));
    expect(compiled).toHaveLength(1);
  });

  it('leaves mutations and introspection to graphql-js', async () => {
    const { compile, compiled } = counting();
    const executor = compiledQueryExecutor(schema, compile);
    const mutation = requestFor(`mutation { touch(id: "row-2") { id count } }`);
    const introspection = requestFor(`{ __schema { queryType { name } } __type(name: "Row") { fields { name } } }`);
    for (let run = 0; run < 3; run += 1) {
      expect(plain(await executor(mutation))).toEqual({ data: { touch: { id: 'row-2', count: 20 } }, errors: undefined });
      const answer = (await executor(introspection)) as { data: { __schema: unknown; __type: { fields: { name: string }[] } } };
      expect(answer.data.__schema).toEqual({ queryType: { name: 'Query' } });
      expect(answer.data.__type.fields.map((field) => field.name)).toEqual(['id', 'at', 'owner', 'tags', 'count', 'broken']);
    }
    expect(compiled).toHaveLength(0);
  });
});

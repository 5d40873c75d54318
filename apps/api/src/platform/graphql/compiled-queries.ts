import type { GatewayExecutionResult, GatewayExecutor, GatewayInterface, GatewaySchemaLoadOrUpdateCallback } from '@apollo/server-gateway-interface';
import { ApolloDriver, ApolloDriverConfig } from '@nestjs/apollo';
import { Injectable } from '@nestjs/common';
import { BREAK, DocumentNode, execute, getVariableValues, GraphQLError, GraphQLSchema, OperationDefinitionNode, Source, visit } from 'graphql';
import { CompiledQuery, compileQuery, isCompiledQuery } from 'graphql-jit';

/** Executions of one document (per operation) through graphql-js before it is compiled. */
const RUNS_BEFORE_COMPILING = 1;

interface Plan {
  runs: number;
  /** null: the operation stays on graphql-js (a mutation, a subscription, introspection, or graphql-jit refused it). */
  compiled: CompiledQuery | null | undefined;
}

/**
 * The executor behind POST /graphql: a query document that comes back is compiled once with
 * graphql-jit into plain JavaScript (a property read per field, the result built as object
 * literals) and run compiled from then on. graphql-js, which resolves every field through its
 * generic loop and builds each result object field by field, took about 4 ms of a 100-row
 * commandCenter answer on a 2-core machine, and serialising its result objects about 1.5 ms more.
 *
 * Only what a compiled query can change is handed to it:
 * - mutations (every ingest path), subscriptions and introspection stay on graphql-js;
 * - a document runs once on graphql-js before it is compiled, so a client sending a new document
 *   per request costs no compilation, and compiled queries live only as long as Apollo's store of
 *   parsed documents holds the document (a WeakMap on it);
 * - the variables are coerced by graphql-js first, so a bad variable gets graphql-js's own error,
 *   which Apollo answers as BAD_USER_INPUT with status 400, exactly as before;
 * - the errors of a compiled run are rebuilt as graphql-js errors (with the same message, path,
 *   locations, extensions and original error), as Apollo and `formatError` expect.
 */
export function compiledQueryExecutor(schema: GraphQLSchema, compile: typeof compileQuery = compileQuery): GatewayExecutor {
  const plans = new WeakMap<DocumentNode, Map<string, Plan>>();
  const planFor = (document: DocumentNode, operation: OperationDefinitionNode): Plan => {
    let byOperation = plans.get(document);
    if (!byOperation) plans.set(document, (byOperation = new Map()));
    const name = operation.name?.value ?? '';
    let plan = byOperation.get(name);
    if (!plan) byOperation.set(name, (plan = { runs: 0, compiled: compilable(document, operation) ? undefined : null }));
    return plan;
  };
  return async ({ document, operation, request, context }) => {
    const plan = operation ? planFor(document, operation) : null;
    if (plan && plan.compiled === undefined && plan.runs >= RUNS_BEFORE_COMPILING) {
      const result = compile(schema, document, operation!.name?.value);
      plan.compiled = isCompiledQuery(result) ? result : null;
    }
    const compiled = plan?.compiled;
    if (!plan || !compiled) {
      if (plan) plan.runs += 1;
      return execute({ schema, document, operationName: request.operationName, variableValues: request.variables, contextValue: context }) as Promise<GatewayExecutionResult>;
    }
    const coerced = getVariableValues(schema, operation!.variableDefinitions ?? [], request.variables ?? {}, { maxErrors: 50 });
    if (coerced.errors) return { errors: coerced.errors };
    const result = await compiled.query(undefined, context, request.variables ?? {});
    return result.errors ? { ...result, errors: result.errors.map((error) => asGraphQLJsError(error, document)) } : result;
  };
}

/** A query that reads no introspection field; the rest stays on graphql-js. */
function compilable(document: DocumentNode, operation: OperationDefinitionNode): boolean {
  if (operation.operation !== 'query') return false;
  let introspects = false;
  visit(document, {
    Field(node) {
      if (node.name.value === '__schema' || node.name.value === '__type') {
        introspects = true;
        return BREAK;
      }
      return undefined;
    },
  });
  return !introspects;
}

/**
 * graphql-jit's errors carry their locations as line and column, with no AST nodes, and no
 * `extensions` object when the thrown error had none (Apollo reads `extensions.code` of every
 * error). A graphql-js error is built from the positions in the document's source, which gives
 * back the same locations.
 */
function asGraphQLJsError(error: GraphQLError, document: DocumentNode): GraphQLError {
  const source = document.loc?.source;
  const positions = source && error.locations ? error.locations.map(({ line, column }) => offsetOf(source, line, column)) : undefined;
  return new GraphQLError(error.message, {
    ...(positions ? { source, positions } : {}),
    path: error.path,
    // graphql-js wraps what it raises itself (a null in a non-null field, a value a scalar cannot
    // serialise) around an Error of the same message; graphql-jit raises those with none.
    originalError: error.originalError ?? new Error(error.message),
    extensions: error.extensions,
  });
}

function offsetOf(source: Source, line: number, column: number): number {
  let offset = 0;
  for (let l = 1; l < line; l++) offset = source.body.indexOf('\n', offset) + 1;
  return offset + column - 1;
}

/**
 * Apollo Server 5 takes another executor only from a gateway (GatewayInterface is its public
 * seam for one): this one serves the schema Nest built, unchanged, and never updates it.
 */
function compiledQueriesGateway(schema: GraphQLSchema): GatewayInterface {
  const listeners = new Set<GatewaySchemaLoadOrUpdateCallback>();
  return {
    onSchemaLoadOrUpdate(callback) {
      listeners.add(callback);
      return () => listeners.delete(callback);
    },
    async load() {
      // No supergraph: only Apollo's GraphOS reporting reads that SDL, and it is not configured.
      for (const listener of listeners) listener({ apiSchema: schema, coreSupergraphSdl: '' });
      return { executor: compiledQueryExecutor(schema) };
    },
    async stop() {
      listeners.clear();
    },
  };
}

/** Nest's Apollo driver, with HTTP operations run by `compiledQueryExecutor`; graphql-ws is unchanged. */
@Injectable()
export class CompiledQueriesApolloDriver extends ApolloDriver {
  override async registerServer(options: ApolloDriverConfig): Promise<void> {
    // Nest's config type leaves `gateway` out (it has a driver of its own for federation); Apollo
    // reads it before the schema, which it then ignores.
    await super.registerServer({ ...options, gateway: compiledQueriesGateway(options.schema!) } as ApolloDriverConfig);
  }
}

"use strict";
Object.defineProperty(exports, "__esModule", { value: true });
exports.JSONScalar = exports.DateTimeScalar = void 0;
const graphql_1 = require("graphql");
const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;
function toIso(value) {
    if (value instanceof Date)
        return value.toISOString();
    if (typeof value === 'string' && ISO.test(value)) {
        const ms = Date.parse(value);
        if (!Number.isNaN(ms))
            return new Date(ms).toISOString();
    }
    throw new graphql_1.GraphQLError('DateTime must be an ISO-8601 date-time with a time zone, e.g. 2026-01-31T12:00:00.000Z', {
        extensions: { code: 'BAD_USER_INPUT' },
    });
}
/** ISO-8601, UTC, millisecond precision: whatever offset comes in, UTC goes out. */
exports.DateTimeScalar = new graphql_1.GraphQLScalarType({
    name: 'DateTime',
    description: 'ISO-8601, UTC, millisecond precision',
    serialize: toIso,
    parseValue: toIso,
    parseLiteral(ast) {
        if (ast.kind !== graphql_1.Kind.STRING) {
            throw new graphql_1.GraphQLError('DateTime must be a string', { extensions: { code: 'BAD_USER_INPUT' } });
        }
        return toIso(ast.value);
    },
});
function literalValue(ast, variables) {
    switch (ast.kind) {
        case graphql_1.Kind.STRING:
        case graphql_1.Kind.BOOLEAN:
        case graphql_1.Kind.ENUM:
            return ast.value;
        case graphql_1.Kind.INT:
        case graphql_1.Kind.FLOAT:
            return Number(ast.value);
        case graphql_1.Kind.NULL:
            return null;
        case graphql_1.Kind.LIST:
            return ast.values.map((value) => literalValue(value, variables));
        case graphql_1.Kind.OBJECT:
            return Object.fromEntries(ast.fields.map((field) => [field.name.value, literalValue(field.value, variables)]));
        case graphql_1.Kind.VARIABLE:
            return variables?.[ast.name.value];
        default: {
            const _never = ast;
            return _never;
        }
    }
}
exports.JSONScalar = new graphql_1.GraphQLScalarType({
    name: 'JSON',
    description: 'Any JSON value',
    serialize: (value) => value,
    parseValue: (value) => value,
    parseLiteral: (ast, variables) => literalValue(ast, variables),
});
//# sourceMappingURL=scalars.js.map
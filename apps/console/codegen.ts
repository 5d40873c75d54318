import type { CodegenConfig } from '@graphql-codegen/cli';
import { TYPE_DEFS } from '../api/src/graphql/schema';

/**
 * Types for every GraphQL document in the console, generated from the schema the api serves
 * (its own SDL, imported, not a copy). The output (src/gql) is generated at build time, not committed.
 */
const config: CodegenConfig = {
  schema: TYPE_DEFS,
  documents: ['src/**/*.tsx', 'src/**/*.ts', '!src/gql/**/*'],
  ignoreNoDocuments: false,
  generates: {
    'src/gql/': {
      preset: 'client',
      config: {
        scalars: { DateTime: 'string', JSON: 'unknown' },
        enumsAsTypes: true,
        useTypeImports: true,
      },
      presetConfig: { fragmentMasking: false },
    },
  },
};

export default config;

import type { CodegenConfig } from '@graphql-codegen/cli';

/**
 * Types for every GraphQL document in the console, generated from the schema the api serves
 * (contract/schema.graphql, read by the api too; not a copy). The output, src/gql, is generated
 * at build time and not committed.
 */
const config: CodegenConfig = {
  schema: '../../contract/schema.graphql',
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

// npm run codegen: TypeScript types for the demo page's operations (web/operations/*.graphql),
// generated from the checked-in schema.graphql, offline. Output in web/gql/ is checked in, and
// test/codegen.test.ts fails when it is stale.
import type { CodegenConfig } from '@graphql-codegen/cli';

const config: CodegenConfig = {
  schema: 'schema.graphql',
  documents: ['web/operations/*.graphql'],
  ignoreNoDocuments: false,
  // Imports end in .js, as NodeNext resolution (tsconfig) requires.
  emitLegacyCommonJSImports: false,
  generates: {
    'web/gql/': {
      preset: 'client',
      presetConfig: { fragmentMasking: false },
      config: {
        // Documents are plain strings: the browser bundle needs no graphql-js to send them.
        documentMode: 'string',
        enumsAsTypes: true,
        useTypeImports: true,
        scalars: { DateTime: 'string' },
      },
    },
  },
};

export default config;

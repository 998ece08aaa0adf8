// After tsc: makes the builds usable with nothing else installed.
// 1. dist/cjs holds CommonJS in a "type": "module" package: a package.json marker makes Node
//    (and TypeScript) read the files below it as CommonJS.
// 2. The generated documents' types name DocumentTypeDecoration from
//    @graphql-typed-document-node/core, whose required peer is `graphql`: a frontend installing
//    the client would get graphql too. The interface is one optional member, so the builds carry
//    it themselves (same shape: Apollo Client and urql still accept the documents). The
//    JavaScript never imported it (type-only), so only the .d.ts files change.
import { readFileSync, writeFileSync } from 'node:fs';

const dist = new URL('../dist/', import.meta.url);
const FROM = "from '@graphql-typed-document-node/core'";
const DECORATION = `// The shape of DocumentTypeDecoration from @graphql-typed-document-node/core (MIT), carried here.
export interface DocumentTypeDecoration<TResult, TVariables> {
  __apiType?: (variables: TVariables) => TResult;
}
`;

writeFileSync(new URL('cjs/package.json', dist), `${JSON.stringify({ type: 'commonjs' }, null, 2)}\n`);
for (const build of ['esm', 'cjs']) {
  const file = new URL(`${build}/generated/graphql.d.ts`, dist);
  const types = readFileSync(file, 'utf8');
  if (!types.includes(FROM)) throw new Error(`finish-build: ${build}/generated/graphql.d.ts no longer imports ${FROM}; revisit this step`);
  writeFileSync(file, types.replace(FROM, "from './document-type-decoration.js'"));
  writeFileSync(new URL(`${build}/generated/document-type-decoration.d.ts`, dist), DECORATION);
}

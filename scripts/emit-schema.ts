// Writes schema/schema.graphql (the public API: what browsers' clients generate from) and
// schema/merchant.graphql (the merchant API, for merchants' backends) from the code. Run by
// `npm run schema`; a test fails when a committed file differs from what this prints.
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { printOtpSchema } from '../src/graphql/schema.js';
import { printMerchantSchema } from '../src/merchant-api/merchant-api.schema.js';

for (const [file, print] of [['schema.graphql', printOtpSchema], ['merchant.graphql', printMerchantSchema]] as const) {
  const target = new URL(`../../schema/${file}`, import.meta.url);
  await writeFile(target, await print());
  console.log(`wrote ${target.pathname}`);
}

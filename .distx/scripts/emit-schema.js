// Writes schema/schema.graphql from the code. Run by `npm run schema`; a test fails when the
// committed file differs from what this prints.
import 'reflect-metadata';
import { writeFile } from 'node:fs/promises';
import { printOtpSchema } from '../src/graphql/schema.js';
const target = new URL('../../schema/schema.graphql', import.meta.url);
await writeFile(target, await printOtpSchema());
console.log(`wrote ${target.pathname}`);
//# sourceMappingURL=emit-schema.js.map
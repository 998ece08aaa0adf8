// A frontend imports the client as `otp-graphql/client`: check the package export resolves in
// plain Node (from the build `npm test` compiles) and carries no server code.
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

describe('package export otp-graphql/client', () => {
  it('resolves and exposes createOtpClient', async () => {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--input-type=module', '-e', "const m = await import('otp-graphql/client'); console.log(typeof m.createOtpClient, typeof m.OtpClientError, typeof m.RequestOtpDocument)"],
      { cwd: new URL('../..', import.meta.url).pathname },
    );
    expect(stdout.trim()).toBe('function function object');
  });

  it('imports nothing outside src/client', async () => {
    for (const file of ['otp-client.ts', 'index.ts', 'generated/graphql.ts']) {
      const source = await readFile(new URL(`../../src/client/${file}`, import.meta.url), 'utf8');
      const code = source.split('\n').filter((line) => !line.trim().startsWith('//')).join('\n');
      const imports = [...code.matchAll(/from '([^']+)'/g)].map((m) => m[1]!);
      expect(imports.length).toBeGreaterThan(0);
      for (const spec of imports) expect(spec.startsWith('./') || spec === '@graphql-typed-document-node/core').toBe(true);
    }
  });
});

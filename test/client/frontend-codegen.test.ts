// docs/frontend.md's "Generating your own client", done as written in a fresh NodeNext project: its
// `npm i` lines, its codegen.yml (with the schema file its comment offers instead of a running
// server), its React snippet for Apollo Client 4, generated and type-checked strictly.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { docBlocks } from '../support/docs.js';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url);
const TSC = new URL('node_modules/typescript/bin/tsc', ROOT).pathname;

const blocks = (lang: string) => docBlocks('docs/frontend.md', 'Generating your own client', lang);

describe("the README's frontend codegen, in a NodeNext project", () => {
  let dir: string;
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('installs, generates and type-checks as written', { timeout: 300_000 }, async () => {
    const [installs] = await blocks('sh');
    const [codegenYml] = await blocks('yaml');
    const [component] = await blocks('tsx');
    dir = await mkdtemp(join(tmpdir(), 'otp-frontend-'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'shop-frontend', private: true, type: 'module' }));
    // A React app has React already; the README's lines add the rest.
    await run('npm', ['i', '--no-audit', '--no-fund', '--prefer-offline', 'react', '@types/react'], { cwd: dir, timeout: 180_000 });
    for (const line of installs!.trim().split('\n')) {
      const [npm, ...args] = line.split('#')[0]!.trim().split(/\s+/);
      expect(npm).toBe('npm');
      await run('npm', [...args, '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, timeout: 180_000 });
    }
    // The schema line offers the committed file as the alternative to a running server.
    const schemaFile = new URL('schema/schema.graphql', ROOT).pathname;
    expect(codegenYml).toMatch(/^schema: http:\/\/localhost:\d+\/graphql .*schema\/schema\.graphql/m);
    await writeFile(join(dir, 'codegen.yml'), codegenYml!.replace(/^schema: .*$/m, `schema: ${schemaFile}`));
    await mkdir(join(dir, 'src'));
    // The snippet, plus a line that needs the fields it selects to be typed.
    await writeFile(join(dir, 'src', 'RequestOtp.tsx'), `${component}\nexport const typed: (r: import('./gql/graphql.js').RequestOtpMutation) => string | null | undefined = (r) => r.requestOtp.reference;\n`);
    await writeFile(
      join(dir, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', jsx: 'react-jsx', strict: true, noEmit: true, skipLibCheck: true, lib: ['ES2022', 'DOM'] }, include: ['src'] }),
    );
    await run(join(dir, 'node_modules', '.bin', 'graphql-codegen'), ['--config', 'codegen.yml'], { cwd: dir, timeout: 120_000 });
    const { stdout } = await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir, timeout: 120_000 }).catch((error: { stdout: string }) => ({ stdout: error.stdout }));
    expect(stdout).toBe('');
  });
});

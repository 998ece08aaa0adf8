// The typed client as a team installs it: packed as a tarball (what the registry would serve),
// installed into a fresh project of its own, type-checked there under strict settings, and run
// against the live service from both `import` and `require`. The fresh project's node_modules
// must hold none of the server's dependencies.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness } from '../support/harness.js';
const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url);
const CLIENT = new URL('packages/client/', ROOT);
const TSC = new URL('node_modules/typescript/bin/tsc', ROOT).pathname;
/** The same program twice: as an ES module and as CommonJS. `request <email>` or `verify <email> <code> <requestId>` (another process: nothing is remembered). */
const program = (load) => `${load}
const [, , action, email, code, requestId] = process.argv;
const otp = createOtpClient({ url: process.env.OTP_URL as string });
async function main(): Promise<void> {
  if (action === 'request') {
    const sent = await otp.requestOtp({ email: email!, purpose: 'login' });
    const status: 'SENT' | 'RATE_LIMITED' | string = sent.status;
    console.log(JSON.stringify({ status, reference: sent.reference, requestId: sent.requestId }));
  } else {
    const result = await otp.verifyOtp({ email: email!, purpose: 'login', otp: code!, requestId: requestId! });
    const delivery = await otp.otpDelivery('00000000-0000-4000-8000-000000000000');
    console.log(JSON.stringify({ status: result.status, token: typeof result.verificationToken, delivery }));
  }
}
main().catch((error: unknown) => {
  console.error(error instanceof OtpClientError ? \`\${error.code} \${error.field}\` : error);
  process.exit(1);
});
`;
describe('the client package, packed and installed into a project of its own', () => {
    let h;
    let dir;
    let files;
    beforeAll(async () => {
        h = await startHarness();
        dir = await mkdtemp(join(tmpdir(), 'otp-client-user-'));
        // `npm pack` runs the package's prepack (its ESM and CommonJS builds).
        const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', dir], { cwd: CLIENT.pathname, timeout: 120_000 });
        const [packed] = JSON.parse(stdout.slice(stdout.indexOf('[')));
        files = packed.files.map((f) => f.path);
        await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'shop-frontend', private: true, type: 'module', dependencies: { 'otp-graphql-client': `file:./${packed.filename}` } }));
        await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: dir, timeout: 120_000 });
        await writeFile(join(dir, 'esm.mts'), program("import { createOtpClient, OtpClientError } from 'otp-graphql-client';"));
        await writeFile(join(dir, 'cjs.cts'), program("const { createOtpClient, OtpClientError } = require('otp-graphql-client') as typeof import('otp-graphql-client');"));
        await writeFile(join(dir, 'tsconfig.json'), JSON.stringify({
            compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noUncheckedIndexedAccess: true, lib: ['ES2022', 'DOM'], types: [], outDir: 'out', rootDir: '.' },
            files: ['esm.mts', 'cjs.cts', 'node.d.ts'],
        }));
        // The two Node globals the programs use, declared here: the project installs no @types.
        await writeFile(join(dir, 'node.d.ts'), 'declare const process: { argv: string[]; env: Record<string, string | undefined>; exit(code: number): never };\ndeclare function require(id: string): unknown;\n');
    }, 300_000);
    afterAll(async () => {
        await h.close();
        await rm(dir, { recursive: true, force: true });
    });
    it('ships its ESM and CommonJS builds with types, and nothing else of the repository', () => {
        for (const file of ['dist/esm/index.js', 'dist/esm/index.d.ts', 'dist/cjs/index.js', 'dist/cjs/index.d.ts', 'dist/cjs/package.json', 'package.json', 'README.md']) {
            expect(files).toContain(file);
        }
        expect(files.filter((f) => !f.startsWith('dist/') && !['package.json', 'README.md'].includes(f))).toEqual([]);
    });
    it('brings none of the server dependencies', async () => {
        const server = Object.keys(JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8')).dependencies);
        const installed = await readdir(join(dir, 'node_modules'));
        const scoped = (await Promise.all(installed.filter((n) => n.startsWith('@')).map(async (scope) => (await readdir(join(dir, 'node_modules', scope))).map((n) => `${scope}/${n}`)))).flat();
        const all = [...installed.filter((n) => !n.startsWith('@') && !n.startsWith('.')), ...scoped];
        expect(all).toEqual(['otp-graphql-client']); // no dependencies at all
        for (const dependency of server)
            expect(all).not.toContain(dependency);
    });
    it('type-checks strictly there, and runs a request and a verification from import and from require', async () => {
        await run(process.execPath, [TSC, '-p', 'tsconfig.json'], { cwd: dir, timeout: 120_000 });
        const env = { ...process.env, OTP_URL: h.url };
        for (const [n, script] of [['1', 'out/esm.mjs'], ['2', 'out/cjs.cjs']]) {
            const email = `client-${n}@example.com`;
            const requested = JSON.parse((await run(process.execPath, [script, 'request', email], { cwd: dir, env })).stdout);
            expect(requested).toMatchObject({ status: 'SENT', reference: expect.stringMatching(/^[A-Z0-9]{4}$/) });
            const code = await h.sendgrid.latestCode(email);
            const verified = JSON.parse((await run(process.execPath, [script, 'verify', email, code, requested.requestId], { cwd: dir, env })).stdout);
            expect(verified).toEqual({ status: 'VERIFIED', token: 'string', delivery: null });
        }
    });
});
describe('the client sources', () => {
    it('import nothing outside the client package but the typed-document types', async () => {
        for (const file of ['otp-client.ts', 'index.ts', 'generated/graphql.ts']) {
            const source = await readFile(new URL(`src/${file}`, CLIENT), 'utf8');
            const code = source.split('\n').filter((line) => !line.trim().startsWith('//')).join('\n');
            const imports = [...code.matchAll(/from '([^']+)'/g)].map((m) => m[1]);
            expect(imports.length).toBeGreaterThan(0);
            for (const spec of imports)
                expect(spec.startsWith('./') || spec === '@graphql-typed-document-node/core').toBe(true);
        }
    });
});
//# sourceMappingURL=package.test.js.map
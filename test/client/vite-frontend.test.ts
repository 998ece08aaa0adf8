// docs/frontend.md's "Generating your own client" in the project a frontend developer starts from:
// `npm create vite` with the react-ts template (create-vite pinned, 9.3.0), its own strict settings
// (verbatimModuleSyntax, noUnusedLocals) untouched. The README's install lines, codegen.yml and
// codegen command, its component file as written; `npm run build` (the template's tsc -b and
// vite build) must pass, and the built page, opened in headless Chromium against the real
// service, must render and request a code — not the blank page a type import broke.
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { promisify } from 'node:util';
import { chromium } from 'playwright-core';
import { docBlocks } from '../support/docs.js';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url);
// `npm create vite@9.3.0` runs the create-vite package of that version.
const CREATE_VITE = 'vite@9.3.0';
const CHROMIUM = '/usr/bin/chromium';
const chromiumMissing = existsSync(CHROMIUM) ? null : `${CHROMIUM} is not installed (.ci/run installs it with apt-get)`;
if (chromiumMissing && process.env.CI === 'true') throw new Error(`Vite frontend test: REQUIRED under CI=true, but ${chromiumMissing}`);
if (chromiumMissing) console.log(`Vite frontend test: SKIPPED — ${chromiumMissing}`);

const blocks = (lang: string) => docBlocks('docs/frontend.md', 'Generating your own client', lang);

/** The README's shell lines, comments dropped, each run in `cwd` (npm and npx only). */
async function runLines(block: string, cwd: string): Promise<void> {
  for (const line of block.trim().split('\n')) {
    const [command, ...args] = line.split('#')[0]!.trim().split(/\s+/);
    expect(['npm', 'npx']).toContain(command);
    const extra = command === 'npm' ? ['--no-audit', '--no-fund', '--prefer-offline'] : [];
    await run(command!, [...args, ...extra], { cwd, timeout: 240_000 });
  }
}

/** Serves the built app (dist/) on loopback. */
async function serveDist(dist: string): Promise<Server> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
  const server = createServer(async (req, res) => {
    const path = normalize(join(dist, new URL(req.url ?? '/', 'http://x').pathname));
    const file = path.startsWith(dist) && existsSync(path) && extname(path) ? path : join(dist, 'index.html');
    res.writeHead(200, { 'content-type': types[extname(file)] ?? 'application/octet-stream' }).end(await readFile(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

describe.skipIf(chromiumMissing !== null)("the README's frontend codegen, in a fresh Vite react-ts app", () => {
  let dir = '';
  let h: Harness | undefined;
  let server: Server | undefined;
  afterAll(async () => {
    server?.close();
    await h?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it('installs, generates, builds with the template\'s own settings, and renders and requests a code in Chromium', { timeout: 480_000 }, async () => {
    const [installs, generate] = await blocks('sh');
    const [codegenYml] = await blocks('yaml');
    const [component] = await blocks('tsx');
    dir = await mkdtemp(join(tmpdir(), 'otp-vite-'));
    await run('npm', ['create', '-y', CREATE_VITE, 'shop', '--', '--template', 'react-ts', '--no-interactive'], { cwd: dir, timeout: 240_000 });
    const app = join(dir, 'shop');
    await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], { cwd: app, timeout: 240_000 });
    await runLines(installs!, app);
    // The committed schema, which the codegen.yml's comment offers instead of a running server.
    await writeFile(join(app, 'codegen.yml'), codegenYml!.replace(/^schema: .*$/m, `schema: ${new URL('schema/schema.graphql', ROOT).pathname}`));
    await writeFile(join(app, 'src', 'OtpForm.tsx'), component!);
    await runLines(generate!, app);

    // The app of the test's own: the README's components, pointed at the running service.
    h = await startHarness({ NODE_ENV: 'development' });
    await writeFile(
      join(app, 'src', 'App.tsx'),
      `import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { ApolloProvider } from '@apollo/client/react';
import { useState } from 'react';
import { CodeField, RequestCode } from './OtpForm';

const client = new ApolloClient({ link: new HttpLink({ uri: ${JSON.stringify(h.url)} }), cache: new InMemoryCache() });

export default function App() {
  const [requestId, setRequestId] = useState<string | null>(null);
  return (
    <ApolloProvider client={client}>
      <RequestCode email="vite-shopper@example.com" onSent={setRequestId} />
      {requestId && <CodeField email="vite-shopper@example.com" requestId={requestId} />}
    </ApolloProvider>
  );
}
`,
    );
    const built = await run('npm', ['run', 'build'], { cwd: app, timeout: 240_000 }).catch((error: { stdout: string; stderr: string }) => error);
    expect('stdout' in built ? built.stdout : '', 'npm run build').not.toMatch(/error TS\d+/);
    expect(existsSync(join(app, 'dist', 'index.html'))).toBe(true);

    server = await serveDist(join(app, 'dist'));
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'] });
    try {
      const page = await browser.newPage();
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
      await page.getByRole('button', { name: 'Email me a code' }).click();
      await page.getByText(/^Sent: look for reference [A-Z0-9]{4}$/).waitFor({ timeout: 15_000 });
      // The code field appears for the request, sized by the policy.
      expect(await page.getByRole('textbox').getAttribute('maxlength')).toBe('6');
      expect(errors).toEqual([]);
      await h.sendgrid.waitForEmails(1, 'vite-shopper@example.com');
    } finally {
      await browser.close();
    }
  });
});

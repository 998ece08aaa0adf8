// `npm start` builds nothing (the install built dist/ once); `npm run dev` compiles on change
// and restarts. The dev run happens in a copy of the project (its node_modules linked), so
// editing a source file there touches nothing of this checkout.
import { spawn } from 'node:child_process';
import { cp, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { waitForLine } from './support/service-process.js';
import { mongoTier } from './support/stores.js';

const root = fileURLToPath(new URL('..', import.meta.url));

describe('development comfort', () => {
  it('builds once on install and start: prepare builds, start only runs', async () => {
    const { scripts } = JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(scripts.prepare).toBe('npm run build');
    expect(scripts.prestart).toBeUndefined();
    expect(scripts.start).toBe('node dist/src/main.js');
    expect(scripts.dev).toBe('node scripts/dev.mjs');
  });

  it('npm run dev serves, and restarts with the change when a source file is edited', { timeout: 90_000 }, async () => {
    const dir = await mkdtemp(join(tmpdir(), 'otp-dev-'));
    for (const entry of ['src', 'scripts', 'templates', 'tsconfig.json', 'tsconfig.build.json', 'package.json']) await cp(join(root, entry), join(dir, entry), { recursive: true });
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
    const { MONGODB_URI: _m, SENDGRID_API_KEY: _s, NODE_ENV: _n, ...inherited } = process.env;
    const child = spawn(process.execPath, ['scripts/dev.mjs'], { cwd: dir, env: { ...inherited, PORT: '0', HOST: '127.0.0.1', ...(mongoTier.skip ? {} : mongoTier.env()) } });
    const lines: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    try {
      await waitForLine(lines, /otp-graphql is serving/, 60_000);
      // Development was chosen by the script, not guessed.
      expect(lines.some((l) => l.includes('NODE_ENV is not set'))).toBe(false);
      const served = () => lines.filter((l) => l.includes('otp-graphql is serving')).length;
      expect(served()).toBe(1);
      // An edit: the first operation's message changes; tsc recompiles, node restarts.
      const status = join(dir, 'src', 'otp', 'otp.status.ts');
      await writeFile(status, (await readFile(status, 'utf8')).replace('The code is correct.', 'The code is correct (edited).'));
      const deadline = Date.now() + 60_000;
      while (served() < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(served()).toBe(2);
      expect(await readFile(join(dir, '.dev', 'src', 'otp', 'otp.status.js'), 'utf8')).toContain('(edited)');
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    }
  });
});

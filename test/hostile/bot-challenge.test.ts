// The bot check in front of requestOtp, for each kind an operator can turn on: ALTCHA (solved
// here with altcha-lib's own solver, as the widget does in a browser), and Turnstile and
// hCaptcha against a local fake of their siteverify endpoint (real HTTP, on 127.0.0.1). A
// missing, forged, replayed or refused token stores nothing and sends nothing; a provider that
// cannot answer is SERVICE_UNAVAILABLE (retryable), and stores nothing either.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/sha';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { REQUEST_OTP, startHarness, TEST_SECRET, type Harness } from '../support/harness.js';

const POLICY = '{ otpPolicy { challenge { kind siteKey challengeUrl } } }';

/** Asks for a code with `challenge`; returns the answer's status or error code, and its error's extensions. */
async function request(h: Harness, email: string, challenge?: string) {
  const res = await h.gql(REQUEST_OTP, { input: { email, ...(challenge === undefined ? {} : { challenge }) } });
  return { status: res.data?.requestOtp?.status ?? res.errors?.[0]?.extensions?.code, extensions: res.errors?.[0]?.extensions, message: res.errors?.[0]?.message };
}

/** Nothing for `email`: no code stored, no email sent (waited for a moment, as the dispatcher would have sent by then). */
async function expectNothingFor(h: Harness, email: string) {
  await new Promise((r) => setTimeout(r, 300));
  expect(await h.app.store.findLatest(email, 'default')).toBeNull();
  expect(h.sendgrid.emailsTo(email)).toHaveLength(0);
}

describe('ALTCHA (self-hosted proof of work)', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startHarness({ CHALLENGE: 'altcha', ALTCHA_DIFFICULTY: '3' });
  });
  afterAll(async () => h.close());

  const challengeUrl = () => h.url.replace('/graphql', '/challenge/altcha');
  /** What the widget does: fetch a challenge, solve it, and send base64 of { challenge, solution }. */
  async function solved(): Promise<string> {
    const res = await fetch(challengeUrl());
    expect(res.headers.get('cache-control')).toBe('no-store');
    const challenge = (await res.json()) as Challenge;
    const solution = await solveChallenge({ challenge, deriveKey, timeout: 20_000 });
    expect(solution).not.toBeNull();
    return Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
  }

  it('tells the frontend which check is on, and where the widget gets its challenge', async () => {
    expect((await h.gql(POLICY)).data!.otpPolicy.challenge).toEqual({ kind: 'ALTCHA', siteKey: null, challengeUrl: '/challenge/altcha' });
  });

  it('sends a code for a solved challenge, once: the same solution again is refused', async () => {
    const token = await solved();
    expect((await request(h, 'solved@example.com', token)).status).toBe('SENT');
    await h.sendgrid.waitForEmails(1, 'solved@example.com');
    const again = await request(h, 'replayed@example.com', token);
    expect(again.extensions).toEqual({ code: 'CHALLENGE_FAILED', reason: 'invalid' });
    await expectNothingFor(h, 'replayed@example.com');
  });

  it('stores and sends nothing without a token, or with a forged, tampered or wrong one', async () => {
    const missing = await request(h, 'missing@example.com');
    expect(missing.extensions).toEqual({ code: 'CHALLENGE_FAILED', reason: 'missing' });
    expect(missing.message).toBe('A bot check is required: complete it and send its token as challenge.');
    const token = await solved();
    const payload = JSON.parse(Buffer.from(token, 'base64').toString()) as { challenge: Challenge; solution: { counter: number; derivedKey: string } };
    const forged = [
      'not base64 json',
      Buffer.from('{"challenge":1}').toString('base64'),
      // An easier challenge made by the caller: its signature is not ours.
      Buffer.from(JSON.stringify({ ...payload, challenge: { ...payload.challenge, parameters: { ...payload.challenge.parameters, keyPrefix: '0' } } })).toString('base64'),
      // Our challenge with a made-up answer.
      Buffer.from(JSON.stringify({ ...payload, solution: { counter: payload.solution.counter + 1, derivedKey: '00'.repeat(32) } })).toString('base64'),
      'A'.repeat(5_000),
    ];
    for (const [i, challenge] of forged.entries()) {
      const answer = await request(h, `forged${i}@example.com`, challenge);
      expect(answer.extensions).toEqual({ code: 'CHALLENGE_FAILED', reason: 'invalid' });
      await expectNothingFor(h, `forged${i}@example.com`);
    }
    await expectNothingFor(h, 'missing@example.com');
  });

  it('still tells bad input first, naming the field', async () => {
    expect((await request(h, 'not an address')).extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('verifies before it remembers: garbage flushes nothing, and a used solution stays used (issue 34, row 7)', async () => {
    const token = await solved();
    expect((await request(h, 'first-use@example.com', token)).status).toBe('SENT');
    // Garbage with signatures of its own: refused by the check, so nothing of it is remembered.
    const garbage = await Promise.all(Array.from({ length: 10 }, (_, i) => request(h, `garbage${i}@example.com`, Buffer.from(JSON.stringify({ challenge: { signature: `s${i}` }, solution: {} })).toString('base64'))));
    expect(garbage.map((g) => g.status)).toEqual(Array(10).fill('CHALLENGE_FAILED'));
    expect((await request(h, 'second-use@example.com', token)).extensions).toEqual({ code: 'CHALLENGE_FAILED', reason: 'invalid' });
    await expectNothingFor(h, 'second-use@example.com');
  });
});

describe('ALTCHA across replicas', () => {
  it('a solution used on one API process is refused on another: the single use is kept in MongoDB (row 7)', async () => {
    const { MongoOtpStore } = await import('../../src/store/mongo.store.js');
    const { mongoUri } = await import('../support/stores.js');
    const dbName = `otp_altcha_${Date.now().toString(36)}`;
    const env = { CHALLENGE: 'altcha', ALTCHA_DIFFICULTY: '2' };
    const storeB = await MongoOtpStore.connect({ uri: mongoUri!, dbName });
    const a = await startHarness(env, { store: await MongoOtpStore.connect({ uri: mongoUri!, dbName }) });
    const b = await startHarness(env, { store: storeB });
    try {
      const challenge = (await (await fetch(a.url.replace('/graphql', '/challenge/altcha'))).json()) as Challenge;
      const solution = await solveChallenge({ challenge, deriveKey, timeout: 20_000 });
      const token = Buffer.from(JSON.stringify({ challenge, solution })).toString('base64');
      expect((await request(a, 'replica-a@example.com', token)).status).toBe('SENT');
      expect((await request(b, 'replica-b@example.com', token)).extensions).toEqual({ code: 'CHALLENGE_FAILED', reason: 'invalid' });
      expect(await b.app.store.findLatest('replica-b@example.com', 'default')).toBeNull();
      // A fresh solution passes on the second replica: it is the same secret and the same rules.
      const fresh = (await (await fetch(b.url.replace('/graphql', '/challenge/altcha'))).json()) as Challenge;
      const freshToken = Buffer.from(JSON.stringify({ challenge: fresh, solution: await solveChallenge({ challenge: fresh, deriveKey, timeout: 20_000 }) })).toString('base64');
      expect((await request(b, 'replica-b@example.com', freshToken)).status).toBe('SENT');
    } finally {
      await storeB.db.dropDatabase().catch(() => undefined);
      await a.close();
      await b.close();
    }
  });
});

/** A local siteverify endpoint, as Turnstile's and hCaptcha's answer: 'good-token' passes. */
class FakeSiteVerify {
  readonly posts: URLSearchParams[] = [];
  private server: Server | null = null;
  url = '';
  /** How long each answer takes. */
  delayMs = 0;

  async start(): Promise<void> {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const form = new URLSearchParams(body);
        this.posts.push(form);
        const success = form.get('secret') === 'the-secret-key' && form.get('response') === 'good-token';
        res.setHeader('content-type', 'application/json');
        setTimeout(() => res.end(JSON.stringify(success ? { success: true } : { success: false, 'error-codes': ['invalid-input-response'] })), this.delayMs);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/siteverify`;
  }

  async close(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

describe.each(['turnstile', 'hcaptcha'])('%s (the provider verify call, against a local fake)', (kind) => {
  let h: Harness;
  const fake = new FakeSiteVerify();
  beforeAll(async () => {
    await fake.start();
    h = await startHarness({ CHALLENGE: kind, CHALLENGE_SECRET: 'the-secret-key', CHALLENGE_SITE_KEY: 'the-site-key', CHALLENGE_VERIFY_URL: fake.url });
  });
  afterAll(async () => {
    await h.close();
    await fake.close();
  });

  it('tells the frontend which check is on, with its site key', async () => {
    expect((await h.gql(POLICY)).data!.otpPolicy.challenge).toEqual({ kind: kind.toUpperCase(), siteKey: 'the-site-key', challengeUrl: null });
  });

  it("sends a code for a token the provider accepts, posting the secret, the token and the caller's address", async () => {
    expect((await request(h, `good-${kind}@example.com`, 'good-token')).status).toBe('SENT');
    await h.sendgrid.waitForEmails(1, `good-${kind}@example.com`);
    const post = fake.posts.at(-1)!;
    expect(Object.fromEntries(post)).toEqual({ secret: 'the-secret-key', response: 'good-token', remoteip: '127.0.0.1' });
  });

  it('stores and sends nothing for a missing or refused token', async () => {
    const before = fake.posts.length;
    expect((await request(h, `none-${kind}@example.com`)).extensions).toEqual({ code: 'CHALLENGE_FAILED', reason: 'missing' });
    expect(fake.posts.length).toBe(before); // a missing token is not worth a call
    expect((await request(h, `bad-${kind}@example.com`, 'bot-token')).extensions).toEqual({ code: 'CHALLENGE_FAILED', reason: 'invalid' });
    await expectNothingFor(h, `none-${kind}@example.com`);
    await expectNothingFor(h, `bad-${kind}@example.com`);
  });

  it("one client's bogus tokens cannot hold the provider calls real users need, and meet its own count first (issue 34, row 4)", async () => {
    const own = await startHarness({ CHALLENGE: kind, CHALLENGE_SECRET: 'the-secret-key', CHALLENGE_SITE_KEY: 'the-site-key', CHALLENGE_VERIFY_URL: fake.url, TRUST_PROXY: '1', CLIENT_MAX_REQUESTS_PER_WINDOW: '30' });
    fake.delayMs = 250;
    try {
      const ask = (email: string, token: string, ip: string) =>
        own.gql(REQUEST_OTP, { input: { email, challenge: token } }, { 'x-forwarded-for': ip }).then((res) => res.data?.requestOtp?.status ?? res.errors?.[0]?.extensions?.code);
      const before = fake.posts.length;
      // The attacker's 60 bogus tokens at once, then 20 real users while they are in flight.
      const attack = Array.from({ length: 60 }, (_, i) => ask(`bot${i}@example.com`, 'bot-token', '203.0.113.66'));
      await new Promise((r) => setTimeout(r, 50));
      const users = await Promise.all(Array.from({ length: 20 }, (_, i) => ask(`user${i}-${kind}@example.com`, 'good-token', `198.51.100.${i + 1}`)));
      const bots = await Promise.all(attack);
      expect(users).toEqual(Array(20).fill('SENT'));
      expect(bots.every((b) => b === 'CHALLENGE_FAILED' || b === 'SERVICE_UNAVAILABLE' || b === 'RATE_LIMITED')).toBe(true);
      // What reached the provider from the attacker: at most its own count (30), held 4 at a time.
      const fromBot = fake.posts.slice(before).filter((p) => p.get('remoteip') === '203.0.113.66');
      expect(fromBot.length).toBeLessThanOrEqual(30);
      expect(bots.filter((b) => b === 'CHALLENGE_FAILED').length).toBe(fromBot.length);
    } finally {
      fake.delayMs = 0;
      await own.close();
    }
  });

  it('answers SERVICE_UNAVAILABLE (retryable) when the provider cannot be reached, and stores nothing', async () => {
    await fake.close();
    try {
      const answer = await request(h, `down-${kind}@example.com`, 'good-token');
      expect(answer.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      await expectNothingFor(h, `down-${kind}@example.com`);
    } finally {
      await fake.start(); // on another port: the remaining tests do not use it
    }
  });
});

describe('the bot check settings', () => {
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ NODE_ENV: 'test', OTP_SECRET: TEST_SECRET, ...env });
      return [];
    } catch (error) {
      if (error instanceof ConfigError) return error.problems;
      throw error;
    }
  };

  it('is off by default, and otpPolicy says so', async () => {
    expect(loadConfig({ NODE_ENV: 'test', OTP_SECRET: TEST_SECRET }).edge.challenge).toEqual({ kind: 'off' });
    const h = await startHarness();
    try {
      expect((await h.gql(POLICY)).data!.otpPolicy.challenge).toBeNull();
      expect((await fetch(h.url.replace('/graphql', '/challenge/altcha'))).status).toBe(404);
    } finally {
      await h.close();
    }
  });

  it('names what Turnstile or hCaptcha needs, and refuses an unknown kind', () => {
    expect(problems({ CHALLENGE: 'turnstile' })).toEqual([
      'CHALLENGE_SECRET: must be set when CHALLENGE=turnstile (the secret key from the turnstile dashboard)',
      'CHALLENGE_SITE_KEY: must be set when CHALLENGE=turnstile (the site key the widget shows)',
    ]);
    expect(problems({ CHALLENGE: 'recaptcha' })).toEqual(['CHALLENGE: must be off, altcha, turnstile or hcaptcha']);
  });
});

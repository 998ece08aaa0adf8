// The rules, on MongoDB (the one store), with time under the test's control: the service
// hands the store the time every rule is judged at, so a faked Date moves the rules' clock.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { CodeHasher, generateCode } from '../../src/otp/otp.codes.js';
import { InvalidInputError } from '../../src/otp/otp.input.js';
import { loadConfig } from '../../src/config.js';
import { createOtpService } from '../../src/create-service.js';
import type { OtpService } from '../../src/otp/otp.service.js';
import { OtpStatus } from '../../src/otp/otp.status.js';
import type { OtpStore } from '../../src/store/otp.store.js';
import { mongoTier, storedDocuments } from '../support/stores.js';
import { TEST_SECRET } from '../support/harness.js';

// The defaults, but a generous guess budget: the guess limit has its own test.
const config = loadConfig({ OTP_SECRET: TEST_SECRET, OTP_MAX_GUESSES_PER_WINDOW: '1000' });

describe('codes', () => {
  it('draws digits of the configured length, leading zeros kept, roughly uniform', () => {
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 2000; i++) {
      const code = generateCode(6);
      expect(code).toMatch(/^\d{6}$/);
      for (const ch of code) counts[Number(ch)]! += 1;
    }
    expect(generateCode(4)).toMatch(/^\d{4}$/);
    expect(generateCode(10)).toMatch(/^\d{10}$/);
    // 12,000 digits: each digit near 1,200; a broken generator (all zeros, no zeros) fails.
    for (const c of counts) expect(c).toBeGreaterThan(950);
  });

  it('hashes bound to email and purpose, under the secret, and compares exactly', () => {
    const h = new CodeHasher(TEST_SECRET);
    const stored = h.hash('a@example.com', 'default', '012345');
    expect(stored).not.toContain('012345');
    expect(h.matches('a@example.com', 'default', '012345', stored)).toBe(true);
    expect(h.matches('a@example.com', 'default', '012346', stored)).toBe(false);
    expect(h.matches('b@example.com', 'default', '012345', stored)).toBe(false);
    expect(h.matches('a@example.com', 'login', '012345', stored)).toBe(false);
    expect(new CodeHasher(`${TEST_SECRET}x`).matches('a@example.com', 'default', '012345', stored)).toBe(false);
  });

  it("binds the hash to the intent's payment: any change to merchant, intent id, amount, currency or payee, or leaving it out, gives another hash", () => {
    const h = new CodeHasher(TEST_SECRET);
    const transaction = { merchant: 'kedai-ali', intentId: 'order-1', amount: '149.90', currency: 'MYR', payee: 'Shop' };
    const bound = h.hash('a@example.com', 'payment', '012345', transaction);
    expect(h.hash('a@example.com', 'payment', '012345', { ...transaction })).toBe(bound);
    const changes = [{ merchant: 'toko-abu' }, { intentId: 'order-2' }, { amount: '149.91' }, { currency: 'SGD' }, { payee: 'Shop ' }];
    for (const other of [null, ...changes.map((change) => ({ ...transaction, ...change }))]) {
      expect(h.hash('a@example.com', 'payment', '012345', other)).not.toBe(bound);
    }
  });

  it('seals a code for one record only', () => {
    const h = new CodeHasher(TEST_SECRET);
    const sealed = h.seal('012345', 'record-1');
    expect(sealed).not.toContain('012345');
    expect(h.unseal(sealed, 'record-1')).toBe('012345');
    expect(() => h.unseal(sealed, 'record-2')).toThrow();
    expect(() => new CodeHasher(`${TEST_SECRET}x`).unseal(sealed, 'record-1')).toThrow();
  });
});

describe('OtpService', () => {
  let store: OtpStore;
  let service: OtpService;
  // Time is moved by faking Date (see beforeEach); the service and the store read it through
  // the ordinary system clock, as in production.
  const clock = { advance: (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000) };

  /** A request that must be SENT: its id and its code, read the way the dispatcher reads it (the sealed copy). */
  const request = async (email: string, purpose?: string, on: OtpService = service) => {
    const sent = await on.requestOtp({ email, purpose });
    if (sent.status !== OtpStatus.SENT) throw new Error(`not sent: ${sent.status}`);
    const record = (await store.findById(sent.requestId))!;
    return { ...sent, code: on.codeHasher.unseal(record.sealedCode!, record.id) };
  };
  const verify = (sent: { email: string; requestId: string }, otp: string, extra: { purpose?: string; email?: string } = {}, on: OtpService = service) =>
    on.verifyOtp({ email: sent.email, requestId: sent.requestId, otp, ...extra });
  const wrongOf = (code: string) => (code === '000000' ? '000001' : '000000');

  beforeEach(async () => {
    store = await mongoTier.create();
    vi.useFakeTimers({ toFake: ['Date'] });
    service = createOtpService(config, { store, clock: systemClock });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await mongoTier.dispose(store);
  });

  it('stores only a hash of the code, bound to the normalised address', async () => {
    const result = await request('  Alice@Example.COM ');
    expect(result).toMatchObject({ status: OtpStatus.SENT, email: 'alice@example.com' });
    const record = await store.findLatest('alice@example.com', 'default');
    expect(JSON.stringify(record)).not.toContain(`"${result.code}"`);
    expect(record!.codeHash).toBe(service.codeHasher.hash('alice@example.com', 'default', result.code));
    expect((await verify(result, result.code, { email: 'ALICE@example.com' })).status).toBe(OtpStatus.VERIFIED);
  });

  it('computes the expiry at each request and refuses a code at its expiry second', async () => {
    const first = await request('a@example.com');
    clock.advance(100);
    const second = await request('b@example.com');
    expect(second.expiresAt.getTime() - first.expiresAt.getTime()).toBe(100_000);
    clock.advance(199);
    expect((await verify(first, wrongOf(first.code))).status).toBe(OtpStatus.MISMATCHED); // a second before its expiry
    clock.advance(1);
    expect((await verify(first, first.code)).status).toBe(OtpStatus.EXPIRED);
    clock.advance(100);
    // Exactly at expiresAt: dead, even though no TTL sweep has removed it yet.
    expect((await verify(second, second.code)).status).toBe(OtpStatus.EXPIRED);
  });

  it('says NOT_FOUND for an unknown request, and for a request of another address or purpose', async () => {
    expect(await service.verifyOtp({ email: 'nobody@example.com', requestId: randomUUID(), otp: '123456' })).toEqual({ status: OtpStatus.NOT_FOUND });
    const sent = await request('owner@example.com', 'login');
    expect(await verify({ ...sent, email: 'other@example.com' }, sent.code)).toEqual({ status: OtpStatus.NOT_FOUND });
    expect(await verify(sent, sent.code, { purpose: 'payment' })).toEqual({ status: OtpStatus.NOT_FOUND });
    expect((await verify(sent, sent.code, { purpose: 'login' })).status).toBe(OtpStatus.VERIFIED);
  });

  it('keeps an earlier live code when a new one is requested: each verifies with its own request and not with the other', async () => {
    const first = await request('r@example.com');
    clock.advance(31);
    const second = await request('r@example.com');
    expect(second.requestId).not.toBe(first.requestId);
    expect(second.reference).not.toBe(first.reference);
    if (first.code !== second.code) {
      expect((await verify(first, second.code)).status).toBe(OtpStatus.MISMATCHED);
      expect((await verify(second, first.code)).status).toBe(OtpStatus.MISMATCHED);
    }
    expect((await verify(first, first.code)).status).toBe(OtpStatus.VERIFIED);
    expect((await verify(second, second.code)).status).toBe(OtpStatus.VERIFIED);
  });

  it("never gives a new code the reference of the address's live codes", async () => {
    // A generator stuck on K7QM most of the time: each request's candidates start with it.
    const draws = ['K7QM', 'K7QM', 'P4XT', 'K7QM', 'Q9RT', 'K7QM', 'H3AC', 'K7QM', 'U6WX', 'K7QM', 'Y4EF'];
    let i = 0;
    const stuck = createOtpService(config, { store, clock: systemClock, reference: () => draws[i++ % draws.length]! });
    const first = await request('ref@example.com', undefined, stuck);
    expect(first.reference).toBe('K7QM');
    clock.advance(31);
    const second = await request('ref@example.com', undefined, stuck);
    expect(second.reference).not.toBe('K7QM');
    // Another address has no code to differ from: its first choice stands.
    expect(await stuck.requestOtp({ email: 'other@example.com' })).toMatchObject({ reference: 'K7QM' });
  });

  it('counts at most maxAttempts under 20 concurrent wrong guesses', async () => {
    const sent = await request('c@example.com');
    const results = await Promise.all(Array.from({ length: 20 }, () => verify(sent, wrongOf(sent.code))));
    expect(results.filter((r) => r.status === OtpStatus.MISMATCHED).map((r) => r.attemptsRemaining).sort()).toEqual([0, 1, 2, 3, 4]);
    expect((await store.findById(sent.requestId))!.attempts).toBe(5);
    expect((await verify(sent, sent.code)).status).toBe(OtpStatus.TOO_MANY_ATTEMPTS);
  });

  it('lets exactly one of several concurrent right answers through', async () => {
    const sent = await request('once@example.com');
    const results = await Promise.all(Array.from({ length: 5 }, () => verify(sent, sent.code)));
    expect(results.filter((r) => r.status === OtpStatus.VERIFIED)).toHaveLength(1);
    expect(results.filter((r) => r.status === OtpStatus.NOT_FOUND)).toHaveLength(4);
  });

  it('applies the cooldown and the window cap per address, storing nothing when limited', async () => {
    expect((await service.requestOtp({ email: 'w@example.com' })).status).toBe(OtpStatus.SENT);
    const limited = await service.requestOtp({ email: 'w@example.com', purpose: 'other' });
    expect(limited).toEqual({ status: OtpStatus.RATE_LIMITED, email: 'w@example.com', retryAfterSeconds: 30 });
    expect(await store.findLatest('w@example.com', 'other')).toBeNull();
    // Another address is not affected.
    expect((await service.requestOtp({ email: 'x@example.com' })).status).toBe(OtpStatus.SENT);

    for (let i = 2; i <= 5; i++) {
      clock.advance(30);
      expect((await service.requestOtp({ email: 'w@example.com' })).status).toBe(OtpStatus.SENT);
    }
    clock.advance(30);
    const capped = await service.requestOtp({ email: 'w@example.com' });
    expect(capped.status).toBe(OtpStatus.RATE_LIMITED);
    // Window opened at t=0, we are at t=150: 450 s left.
    expect(capped.status === OtpStatus.RATE_LIMITED && capped.retryAfterSeconds).toBe(450);
    clock.advance(451);
    expect((await service.requestOtp({ email: 'w@example.com' })).status).toBe(OtpStatus.SENT);
  });

  it('resends the same code with the same expiry and reference, under the cooldown, and the first code still verifies', async () => {
    const sent = await request('slow@example.com');
    await store.claimDelivery(sent.requestId, 'w', 60_000);
    await store.completeDelivery(sent.requestId, 'w', { state: 'sent', at: new Date(), attempts: 1 });
    const early = await service.resendOtp({ email: sent.email, requestId: sent.requestId });
    expect(early).toEqual({ status: OtpStatus.RATE_LIMITED, email: sent.email, retryAfterSeconds: 30 });
    clock.advance(30);
    expect(await service.resendOtp({ email: 'SLOW@example.com', requestId: sent.requestId })).toEqual({
      status: OtpStatus.SENT,
      email: sent.email,
      expiresAt: sent.expiresAt,
      reference: sent.reference,
      requestId: sent.requestId,
      resent: true,
    });
    const record = (await store.findById(sent.requestId))!;
    expect(record).toMatchObject({ resends: 1, delivery: { state: 'pending' } });
    expect(service.codeHasher.unseal(record.sealedCode!, record.id)).toBe(sent.code);
    expect((await verify(sent, sent.code)).status).toBe(OtpStatus.VERIFIED);
    // Used, it is gone: nothing to resend.
    expect((await service.resendOtp({ email: sent.email, requestId: sent.requestId })).status).toBe(OtpStatus.NOT_FOUND);
  });

  it("cannot be stopped by a stranger who knows only the address: the owner's code verifies after 100 wrong guesses from the stranger's own requests", async () => {
    const strict = createOtpService(loadConfig({ OTP_SECRET: TEST_SECRET }), { store, clock: systemClock }); // the defaults
    const owner = await request('victim@example.com', undefined, strict);
    let guesses = 0;
    let wrong = 0;
    // The stranger, for 4½ minutes: a new request whenever the limits allow one, then guesses
    // at it, and at the owner's address with made-up request ids, 100 guesses in all.
    for (let second = 0; second < 270 && guesses < 100; second += 10) {
      clock.advance(10);
      const mine = await strict.requestOtp({ email: 'victim@example.com' });
      const target = mine.status === OtpStatus.SENT ? mine.requestId : randomUUID();
      for (let i = 0; i < 5 && guesses < 100; i++, guesses++) {
        const result = await strict.verifyOtp({ email: 'victim@example.com', requestId: i % 2 ? randomUUID() : target, otp: String(100000 + guesses) });
        if (result.status === OtpStatus.MISMATCHED) wrong += 1;
      }
    }
    expect(guesses).toBe(100);
    expect(wrong).toBeGreaterThan(0);
    expect(wrong).toBeLessThanOrEqual(25);
    expect(await verify(owner, owner.code, {}, strict)).toMatchObject({ status: OtpStatus.VERIFIED, verificationToken: expect.any(String) });
  });

  it('holds a stranger who keeps opening requests for one address to at most 100 wrong guesses a day under the defaults (1 in 10,000 for 6 digits)', async () => {
    const strict = createOtpService(loadConfig({ OTP_SECRET: TEST_SECRET }), { store, clock: systemClock });
    let wrong = 0;
    let sent = 0;
    for (let second = 0; second < 86_400; second += 30) {
      const mine = await strict.requestOtp({ email: 'target@example.com' });
      if (mine.status === OtpStatus.SENT) {
        sent += 1;
        for (let i = 0; i < 5; i++) {
          if ((await strict.verifyOtp({ email: 'target@example.com', requestId: mine.requestId, otp: String(200000 + wrong) })).status === OtpStatus.MISMATCHED) wrong += 1;
        }
      }
      clock.advance(30);
    }
    expect(wrong).toBe(100);
    expect(sent).toBe(20);
  });

  it("gives a purpose named in OTP_TTL_SECONDS_BY_PURPOSE its own life, in the code, its expiry and otpPolicy; others the default", async () => {
    const perPurpose = createOtpService(loadConfig({ OTP_SECRET: TEST_SECRET, OTP_TTL_SECONDS_BY_PURPOSE: 'login=120, signup=600' }), { store, clock: systemClock });
    const now = Date.now();
    const login = await perPurpose.requestOtp({ email: 'life@example.com', purpose: 'login' });
    const other = await perPurpose.requestOtp({ email: 'life2@example.com', purpose: 'checkout' });
    if (login.status !== OtpStatus.SENT || other.status !== OtpStatus.SENT) throw new Error('not sent');
    expect(login.expiresAt.getTime() - now).toBe(120_000);
    expect(other.expiresAt.getTime() - now).toBe(300_000);
    const stored = (await store.findById(login.requestId))!;
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBe(120_000);
    expect(perPurpose.policyFor('login').ttlSeconds).toBe(120);
    expect(perPurpose.policyFor('signup').ttlSeconds).toBe(600);
    expect(perPurpose.policyFor(null).ttlSeconds).toBe(300);
    // The code dies at its own expiry, not the default's.
    const code = perPurpose.codeHasher.unseal(stored.sealedCode!, stored.id);
    clock.advance(120);
    expect((await perPurpose.verifyOtp({ email: 'life@example.com', purpose: 'login', requestId: login.requestId, otp: code })).status).toBe(OtpStatus.EXPIRED);
  });

  it('refuses a malformed OTP_TTL_SECONDS_BY_PURPOSE at start, naming the variable', () => {
    expect(() => loadConfig({ OTP_TTL_SECONDS_BY_PURPOSE: 'login:120' })).toThrow(/OTP_TTL_SECONDS_BY_PURPOSE: must be a comma list of purpose=seconds/);
    expect(() => loadConfig({ OTP_TTL_SECONDS_BY_PURPOSE: 'login=0' })).toThrow(/OTP_TTL_SECONDS_BY_PURPOSE: login must be a whole number of seconds from 1 to 86400/);
    expect(() => loadConfig({ OTP_TTL_SECONDS_BY_PURPOSE: 'login=60,login=90' })).toThrow(/OTP_TTL_SECONDS_BY_PURPOSE: login is given twice/);
  });

  it('rejects malformed input before touching the store or the limits', async () => {
    await expect(service.requestOtp({ email: 'nope' })).rejects.toMatchObject({ field: 'email' });
    await expect(service.requestOtp({ email: 'a@example.com', purpose: 'x'.repeat(65) })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(service.verifyOtp({ email: 'a@example.com', requestId: randomUUID(), otp: '12345' })).rejects.toMatchObject({ field: 'otp' });
    await expect(service.verifyOtp({ email: 'a@example.com', requestId: 'not-an-id', otp: '123456' })).rejects.toMatchObject({ field: 'requestId' });
    await expect(service.resendOtp({ email: 'a@example.com', requestId: 'NOT-A-UUID' })).rejects.toMatchObject({ field: 'requestId' });
    await expect(service.resendOtp({ email: 'nope', requestId: randomUUID() })).rejects.toMatchObject({ field: 'email' });
    expect(await storedDocuments(store)).toBe(0);
    // The refused calls took nothing from the address's send allowance.
    expect((await service.requestOtp({ email: 'a@example.com' })).status).toBe(OtpStatus.SENT);
  });
});

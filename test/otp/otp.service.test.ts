// The rules, on the embedded store, with time under the test's control.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../../src/clock.js';
import { CodeHasher, generateCode } from '../../src/otp/otp.codes.js';
import { InvalidInputError } from '../../src/otp/otp.input.js';
import { loadConfig } from '../../src/config.js';
import { createOtpService } from '../../src/otp/create-service.js';
import type { OtpService } from '../../src/otp/otp.service.js';
import { OtpStatus } from '../../src/otp/otp.status.js';
import { MemoryOtpStore } from '../../src/store/memory.store.js';
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

  it('binds the hash to the canonical transaction: any change to amount, currency or payee, or leaving it out, gives another hash', () => {
    const h = new CodeHasher(TEST_SECRET);
    const transaction = { amount: '149.90', currency: 'MYR', payee: 'Shop' };
    const bound = h.hash('a@example.com', 'payment', '012345', transaction);
    expect(h.hash('a@example.com', 'payment', '012345', { ...transaction })).toBe(bound);
    for (const other of [null, { ...transaction, amount: '149.91' }, { ...transaction, currency: 'SGD' }, { ...transaction, payee: 'Shop ' }]) {
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
  let store: MemoryOtpStore;
  let service: OtpService;
  // Time is moved by faking Date (see beforeEach); the service and the store read it through
  // the ordinary system clock, as in production.
  const clock = { advance: (seconds: number) => vi.setSystemTime(Date.now() + seconds * 1000) };

  // Reads the code the way the dispatcher does, from the sealed copy on the stored record.
  const codeFor = async (email: string, purpose = 'default') => {
    const record = await store.findLatest(email, purpose);
    return service.codeHasher.unseal(record!.sealedCode!, record!.id);
  };

  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['Date'] });
    store = new MemoryOtpStore({ clock: systemClock });
    service = createOtpService(config, { store, clock: systemClock });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await store.close();
  });

  it('stores only a hash of the code, bound to the normalised address', async () => {
    const result = await service.requestOtp({ email: '  Alice@Example.COM ' });
    expect(result).toMatchObject({ status: OtpStatus.SENT, email: 'alice@example.com' });
    const record = await store.findLatest('alice@example.com', 'default');
    const code = await codeFor('alice@example.com');
    expect(JSON.stringify(record)).not.toContain(`"${code}"`);
    expect(record!.codeHash).toBe(service.codeHasher.hash('alice@example.com', 'default', code));
    expect((await service.verifyOtp({ email: 'ALICE@example.com', otp: code })).status).toBe(OtpStatus.VERIFIED);
  });

  it('computes the expiry at each request and refuses a code at its expiry second', async () => {
    const first = await service.requestOtp({ email: 'a@example.com' });
    clock.advance(100);
    const second = await service.requestOtp({ email: 'b@example.com' });
    expect(first.status === OtpStatus.SENT && second.status === OtpStatus.SENT).toBe(true);
    if (first.status !== OtpStatus.SENT || second.status !== OtpStatus.SENT) return;
    expect(second.expiresAt.getTime() - first.expiresAt.getTime()).toBe(100_000);

    const code = await codeFor('b@example.com');
    clock.advance(299);
    expect((await service.verifyOtp({ email: 'a@example.com', otp: '000000' })).status).toBe(OtpStatus.EXPIRED);
    clock.advance(1);
    // Exactly at expiresAt: dead, even though no TTL sweep has removed it yet.
    expect((await service.verifyOtp({ email: 'b@example.com', otp: code })).status).toBe(OtpStatus.EXPIRED);
  });

  it('says NOT_FOUND when there is no code', async () => {
    expect(await service.verifyOtp({ email: 'nobody@example.com', otp: '123456' })).toEqual({ status: OtpStatus.NOT_FOUND });
  });

  it('replaces the previous code for the same address and purpose', async () => {
    await service.requestOtp({ email: 'r@example.com' });
    const old = await codeFor('r@example.com');
    clock.advance(31);
    await service.requestOtp({ email: 'r@example.com' });
    const fresh = await codeFor('r@example.com');
    if (old !== fresh) expect((await service.verifyOtp({ email: 'r@example.com', otp: old })).status).toBe(OtpStatus.MISMATCHED);
    expect((await service.verifyOtp({ email: 'r@example.com', otp: fresh })).status).toBe(OtpStatus.VERIFIED);
  });

  it('never gives a new code the reference of the code it replaces', async () => {
    // A generator stuck on K7QM most of the time: the candidates are K7QM then P4XT.
    const draws = ['K7QM', 'K7QM', 'P4XT'];
    let i = 0;
    const stuck = createOtpService(config, { store, clock: systemClock, reference: () => draws[i++ % draws.length]! });
    expect(await stuck.requestOtp({ email: 'ref@example.com' })).toMatchObject({ status: OtpStatus.SENT, reference: 'K7QM' });
    clock.advance(31);
    expect(await stuck.requestOtp({ email: 'ref@example.com' })).toMatchObject({ status: OtpStatus.SENT, reference: 'P4XT' });
    expect((await store.findLatest('ref@example.com', 'default'))!.reference).toBe('P4XT');
    // Another address has no code to differ from: its first choice stands.
    expect(await stuck.requestOtp({ email: 'other@example.com' })).toMatchObject({ reference: 'K7QM' });
  });

  it('keeps codes for different purposes apart', async () => {
    await service.requestOtp({ email: 'p@example.com', purpose: 'login' });
    await service.requestOtp({ email: 'q@example.com', purpose: 'checkout' });
    const login = await codeFor('p@example.com', 'login');
    expect((await service.verifyOtp({ email: 'p@example.com', otp: login, purpose: 'checkout' })).status).toBe(OtpStatus.NOT_FOUND);
    expect((await service.verifyOtp({ email: 'p@example.com', otp: login, purpose: 'login' })).status).toBe(OtpStatus.VERIFIED);
  });

  it('counts at most maxAttempts under 20 concurrent wrong guesses', async () => {
    await service.requestOtp({ email: 'c@example.com' });
    const code = await codeFor('c@example.com');
    const wrong = code === '000000' ? '000001' : '000000';
    const results = await Promise.all(Array.from({ length: 20 }, () => service.verifyOtp({ email: 'c@example.com', otp: wrong })));
    expect(results.filter((r) => r.status === OtpStatus.MISMATCHED).map((r) => r.attemptsRemaining).sort()).toEqual([0, 1, 2, 3, 4]);
    expect((await store.findLatest('c@example.com', 'default'))!.attempts).toBe(5);
    expect((await service.verifyOtp({ email: 'c@example.com', otp: code })).status).toBe(OtpStatus.TOO_MANY_ATTEMPTS);
  });

  it('lets exactly one of several concurrent right answers through', async () => {
    await service.requestOtp({ email: 'once@example.com' });
    const code = await codeFor('once@example.com');
    const results = await Promise.all(Array.from({ length: 5 }, () => service.verifyOtp({ email: 'once@example.com', otp: code })));
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

  it('rejects malformed input before touching the store or the limits', async () => {
    await expect(service.requestOtp({ email: 'nope' })).rejects.toMatchObject({ field: 'email' });
    await expect(service.requestOtp({ email: 'a@example.com', purpose: 'x'.repeat(65) })).rejects.toBeInstanceOf(InvalidInputError);
    await expect(service.verifyOtp({ email: 'a@example.com', otp: '12345' })).rejects.toMatchObject({ field: 'otp' });
    expect(store.size).toBe(0);
    // The refused calls took nothing from the address's send allowance.
    expect((await service.requestOtp({ email: 'a@example.com' })).status).toBe(OtpStatus.SENT);
  });
});

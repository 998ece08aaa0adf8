// The promises every OtpStore keeps, written once and run against each adapter: the embedded
// store always, MongoDB wherever a mongod is reachable.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { CheckCommand, InsertEvent, NewOtp, OtpStore } from '../../src/store/otp.store.js';
import { describeOnTier, type StoreTier } from '../support/stores.js';

let counter = 0;
export function newOtp(overrides: Partial<NewOtp> = {}, now = new Date()): NewOtp {
  counter += 1;
  return {
    id: randomUUID(),
    email: `contract${counter}-${Date.now()}@example.com`,
    purpose: 'default',
    codeHash: `hash-${counter}`,
    sealedCode: `sealed-${counter}`,
    createdAt: now,
    expiresAt: new Date(now.getTime() + 300_000),
    references: [`R${counter}A`, `R${counter}B`],
    locale: null,
    transaction: null,
    ...overrides,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export const until = async (check: () => boolean, ms = 5000) => {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
};

export function describeStoreContract(tier: StoreTier): void {
  describeOnTier(tier, `OtpStore contract: ${tier.name}`, () => {
    let store: OtpStore;
    beforeAll(async () => {
      store = await tier.create();
    });
    /** Checks `otp` with `codeHash` (its own: the right code) and generous limits unless given. */
    const check = (otp: NewOtp, codeHash = otp.codeHash, extra: Partial<CheckCommand> = {}) =>
      store.check({ email: otp.email, purpose: otp.purpose, codeHash, now: new Date(), maxAttempts: 5, guesses: { max: 1000, windowSeconds: 3600 }, ...extra });
    afterAll(async () => store && tier.dispose(store));

    it('finds the newest code for (email, purpose) and only for that pair', async () => {
      const otp = newOtp({ purpose: 'payment' });
      await store.issue(otp);
      expect(await store.findLatest(otp.email, 'payment')).toMatchObject({
        id: otp.id,
        codeHash: otp.codeHash,
        sealedCode: otp.sealedCode,
        attempts: 0,
        delivery: { state: 'pending', attempts: 0 },
      });
      expect(await store.findLatest(otp.email, 'login')).toBeNull();
      expect(await store.findLatest(`other-${otp.email}`, 'payment')).toBeNull();
    });

    it('replaces the previous code on issue', async () => {
      const first = newOtp();
      await store.issue(first);
      const second = newOtp({ email: first.email, createdAt: new Date(first.createdAt.getTime() + 1) });
      await store.issue(second);
      expect((await store.findLatest(first.email, 'default'))?.id).toBe(second.id);
      expect(await store.claimDelivery(first.id, 'w', 60_000)).toBeNull();
      // The first code's hash is now a wrong guess against the second.
      expect(await check(first)).toEqual({ result: 'mismatched', attempts: 1 });
      expect(await check(second)).toEqual({ result: 'verified' });
    });

    // "Newest" is the order in which the store applied the issues, never the createdAt that an
    // app server's clock wrote: with clock skew between replicas, or two codes in the same
    // millisecond, the code emailed last is the one that verifies.
    it('keeps the code stored last even when its createdAt is older (clock skew)', async () => {
      const now = Date.now();
      const fromFastClock = newOtp({ createdAt: new Date(now + 10_000) });
      const fromSlowClock = newOtp({ email: fromFastClock.email, createdAt: new Date(now - 10_000) });
      await store.issue(fromFastClock);
      await store.issue(fromSlowClock);
      expect((await store.findLatest(fromFastClock.email, 'default'))?.id).toBe(fromSlowClock.id);
      expect(await check(fromSlowClock)).toEqual({ result: 'verified' });
    });

    it('keeps the code stored last when two share a createdAt to the millisecond', async () => {
      const at = new Date();
      const ids = ['ffffffff-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000'];
      const [a, b] = ids.map((id) => newOtp({ id, createdAt: at }));
      const email = a!.email;
      await store.issue({ ...a!, email });
      await store.issue({ ...b!, email });
      expect((await store.findLatest(email, 'default'))?.id).toBe(b!.id);
      await store.issue({ ...a!, id: randomUUID(), email, codeHash: 'third' });
      expect((await store.findLatest(email, 'default'))?.codeHash).toBe('third');
    });

    it('keeps codes for other purposes of the same address', async () => {
      const login = newOtp({ purpose: 'login' });
      const payment = newOtp({ email: login.email, purpose: 'payment' });
      await store.issue(login);
      await store.issue(payment);
      expect(await check(login)).toEqual({ result: 'verified' });
      expect(await check(payment)).toEqual({ result: 'verified' });
    });

    it('stores the reference, locale and transaction, and never gives a new code the reference of the one it replaces', async () => {
      const transaction = { amount: '149.90', currency: 'MYR', payee: 'Kedai Runcit' };
      const first = newOtp({ references: ['K7QM', 'AAAA'], locale: 'ms-MY', transaction });
      expect(await store.issue(first)).toEqual({ issued: true, reference: 'K7QM' });
      expect(await store.findLatest(first.email, 'default')).toMatchObject({ reference: 'K7QM', locale: 'ms-MY', transaction });
      // Its first choice is the replaced code's reference: the second is taken.
      const second = newOtp({ email: first.email, references: ['K7QM', 'P4XT'] });
      expect(await store.issue(second)).toEqual({ issued: true, reference: 'P4XT' });
      expect(await store.findLatest(first.email, 'default')).toMatchObject({ id: second.id, reference: 'P4XT', locale: null, transaction: null });
      // Another purpose's reference does not count: only the code being replaced.
      const other = newOtp({ email: first.email, purpose: 'login', references: ['P4XT', 'CCCC'] });
      expect(await store.issue(other)).toEqual({ issued: true, reference: 'P4XT' });
      // Under limits too (on MongoDB the reference is part of the refusal guard).
      const limited = newOtp({ email: first.email, references: ['P4XT', 'DDDD'] });
      expect(await store.issue(limited, { cooldownSeconds: 0, sends: { max: 100, windowSeconds: 60 } })).toEqual({ issued: true, reference: 'DDDD' });
    });

    it('leaves exactly one live code after concurrent issues for one address', async () => {
      const email = newOtp().email;
      const otps = Array.from({ length: 10 }, () => newOtp({ email }));
      await Promise.all(otps.map((otp) => store.issue(otp)));
      const live = await store.findLatest(email, 'default');
      const claims = await Promise.all(otps.map((otp) => store.claimDelivery(otp.id, 'w', 60_000)));
      expect(claims.filter(Boolean).map((c) => c!.id)).toEqual([live!.id]);
    });

    it('counts wrong attempts atomically up to the cap, and then refuses even the right code', async () => {
      const otp = newOtp();
      await store.issue(otp);
      const results = await Promise.all(Array.from({ length: 20 }, () => check(otp, 'wrong')));
      const counted = results.filter((r) => r.result === 'mismatched').map((r) => (r as { attempts: number }).attempts);
      expect(counted.sort()).toEqual([1, 2, 3, 4, 5]);
      expect(results.filter((r) => r.result === 'too_many_attempts')).toHaveLength(15);
      expect((await store.findLatest(otp.email, 'default'))?.attempts).toBe(5);
      expect(await check(otp)).toEqual({ result: 'too_many_attempts' });
    });

    it('verifies a code once, under concurrent right answers', async () => {
      const otp = newOtp();
      await store.issue(otp);
      const results = await Promise.all(Array.from({ length: 10 }, () => check(otp)));
      expect(results.filter((r) => r.result === 'verified')).toHaveLength(1);
      expect(results.filter((r) => r.result === 'not_found')).toHaveLength(9);
      expect(await store.findLatest(otp.email, 'default')).toBeNull();
    });

    it('answers not_found for an unknown address or purpose, and expired for an expired code, each costing a guess', async () => {
      const otp = newOtp();
      const expired = newOtp({ email: otp.email, purpose: 'soon', expiresAt: new Date(Date.now() - 1) });
      await store.issue(otp);
      await store.issue(expired);
      const guesses = { max: 3, windowSeconds: 60 };
      expect(await check({ ...otp, purpose: 'other' }, otp.codeHash, { guesses })).toEqual({ result: 'not_found' });
      expect(await check(expired, 'wrong', { guesses })).toEqual({ result: 'expired' });
      expect((await store.findLatest(otp.email, 'soon'))?.attempts).toBe(0); // not the code's attempts
      expect(await check({ ...otp, purpose: 'other' }, otp.codeHash, { guesses })).toEqual({ result: 'not_found' });
      expect(await check(otp, otp.codeHash, { guesses })).toMatchObject({ result: 'limited' }); // the budget is spent
      // Probing an address that never had a code costs a guess too, so a prober is stopped the same way.
      const stranger = newOtp();
      for (let i = 0; i < 3; i++) expect(await check(stranger, 'any', { guesses })).toEqual({ result: 'not_found' });
      expect(await check(stranger, 'any', { guesses })).toMatchObject({ result: 'limited' });
      expect(await store.findLatest(stranger.email, 'default')).toBeNull();
    });

    it('keeps a guess budget per address across its codes: only wrong guesses count, and a new code does not reset it', async () => {
      const guesses = { max: 2, windowSeconds: 60 };
      const first = newOtp();
      await store.issue(first);
      expect(await check(first, 'wrong', { guesses })).toMatchObject({ result: 'mismatched' });
      expect(await check(first, first.codeHash, { guesses })).toEqual({ result: 'verified' }); // costs nothing
      const second = newOtp({ email: first.email, purpose: 'other' });
      await store.issue(second);
      expect(await check(second, 'wrong', { guesses })).toMatchObject({ result: 'mismatched' });
      const limited = await check(second, second.codeHash, { guesses });
      expect(limited).toMatchObject({ result: 'limited' });
      expect((limited as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(55_000);
      expect((limited as { retryAfterMs: number }).retryAfterMs).toBeLessThanOrEqual(60_000);
      // When the window has closed, the right code goes through.
      expect(await check(second, second.codeHash, { guesses, now: new Date(Date.now() + 61_000) })).toEqual({ result: 'verified' });
    });

    it('bounds guesses by a sliding window: never more than the budget in any window, across any edge', async () => {
      const otp = newOtp();
      await store.issue(otp);
      const guesses = { max: 3, windowSeconds: 60 };
      const t0 = otp.createdAt.getTime();
      const wrong = (seconds: number) => check(otp, 'wrong', { guesses, maxAttempts: 100, now: new Date(t0 + seconds * 1000) });
      expect((await wrong(0)).result).toBe('mismatched');
      expect((await wrong(50)).result).toBe('mismatched');
      expect((await wrong(50)).result).toBe('mismatched');
      expect(await wrong(59)).toEqual({ result: 'limited', retryAfterMs: 1_000 }); // the first leaves the window at 60 s
      // A fixed window would open afresh at 60 s and let three more through: six in 11 s.
      expect((await wrong(61)).result).toBe('mismatched');
      expect(await wrong(61)).toEqual({ result: 'limited', retryAfterMs: 49_000 }); // the two at 50 s leave at 110 s
      expect((await wrong(111)).result).toBe('mismatched');
    });

    it('never lets concurrent wrong guesses overrun the guess budget', async () => {
      const otp = newOtp();
      await store.issue(otp);
      const results = await Promise.all(Array.from({ length: 20 }, () => check(otp, 'wrong', { guesses: { max: 3, windowSeconds: 60 }, maxAttempts: 100 })));
      expect(results.filter((r) => r.result === 'mismatched')).toHaveLength(3);
      expect(results.filter((r) => r.result === 'limited')).toHaveLength(17);
    });

    it('issues under a cooldown and a send window; refused requests store nothing and do not eat the window', async () => {
      const t0 = Date.now();
      const at = (seconds: number) => newOtp({ email, createdAt: new Date(t0 + seconds * 1000), expiresAt: new Date(t0 + seconds * 1000 + 300_000) });
      const email = newOtp().email;
      const limits = { cooldownSeconds: 10, sends: { max: 2, windowSeconds: 600 } };
      const first = at(0);
      expect(await store.issue(first, limits)).toMatchObject({ issued: true });
      expect(await store.issue(at(1), limits)).toEqual({ issued: false, retryAfterMs: 9_000 }); // cooldown
      expect((await store.findLatest(email, 'default'))?.id).toBe(first.id);
      expect(await store.issue(at(11), limits)).toMatchObject({ issued: true });
      expect(await store.issue(at(22), limits)).toEqual({ issued: false, retryAfterMs: 578_000 }); // window
      expect(await store.issue(at(601), limits)).toMatchObject({ issued: true });
    });

    it('lets exactly one of concurrent first requests for an address through a cooldown', async () => {
      const email = newOtp().email;
      const limits = { cooldownSeconds: 30, sends: { max: 100, windowSeconds: 600 } };
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => store.issue(newOtp({ email }), limits)));
      expect(outcomes.filter((o) => o.issued)).toHaveLength(1);
      for (const o of outcomes.filter((o) => !o.issued)) expect((o as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(28_000);
    });

    it("counts a caller's budget first, per key, also under concurrent first requests", async () => {
      const key = `request|${randomUUID()}`;
      const limits = (max: number) => ({ client: { key, limit: { max, windowSeconds: 60 } }, cooldownSeconds: 0, sends: { max: 100, windowSeconds: 600 } });
      const outcomes = await Promise.all(Array.from({ length: 6 }, () => store.issue(newOtp(), limits(5))));
      expect(outcomes.filter((o) => o.issued)).toHaveLength(5);
      const refused = newOtp();
      expect(await store.issue(refused, limits(5))).toMatchObject({ issued: false });
      expect(await store.findLatest(refused.email, 'default')).toBeNull();
      // Another caller, and the same caller's verify budget, are separate.
      expect(await store.issue(newOtp(), { ...limits(5), client: { key: `${key}-other`, limit: { max: 5, windowSeconds: 60 } } })).toMatchObject({ issued: true });
      const client = { key: key.replace('request', 'verify'), limit: { max: 1, windowSeconds: 60 } };
      expect(await check(refused, 'wrong', { client })).toEqual({ result: 'not_found' });
      expect(await check(refused, 'wrong', { client })).toMatchObject({ result: 'limited' });
    });

    it('shares limits between handles on the same data', async () => {
      const other = await tier.sibling(store);
      const email = newOtp().email;
      const limits = { cooldownSeconds: 30, sends: { max: 5, windowSeconds: 600 } };
      expect(await store.issue(newOtp({ email }), limits)).toMatchObject({ issued: true });
      expect(await other.issue(newOtp({ email }), limits)).toMatchObject({ issued: false });
      if (other !== store) await other.close();
    });

    it('lets one dispatcher claim a delivery, and another take it over when the lease runs out', async () => {
      const otp = newOtp();
      await store.issue(otp);
      const claims = await Promise.all(['a', 'b', 'c'].map((w) => store.claimDelivery(otp.id, w, 300)));
      expect(claims.filter(Boolean)).toHaveLength(1);
      const winner = claims.find(Boolean)!.delivery.claimedBy!;

      expect(await store.claimDelivery(otp.id, 'late', 300)).toBeNull();
      await sleep(400); // leases run on the store's clock (the database's, for MongoDB)
      const takeover = await store.claimDelivery(otp.id, 'rescuer', 60_000);
      expect(takeover?.delivery.claimedBy).toBe('rescuer');
      const later = new Date();
      // The first claimant lost its claim and cannot record an outcome any more.
      expect(await store.completeDelivery(otp.id, winner, { state: 'sent', at: later, attempts: 1 })).toBe(false);
      expect(await store.completeDelivery(otp.id, 'rescuer', { state: 'sent', at: later, attempts: 1 })).toBe(true);
      const done = await store.findLatest(otp.email, 'default');
      expect(done?.sealedCode).toBeNull();
      expect(done?.delivery).toMatchObject({ state: 'sent', attempts: 1, claimedBy: null });
      await sleep(400);
      expect(await store.claimDelivery(otp.id, 'again', 300)).toBeNull();
    });

    it('claims many deliveries at once, each by one dispatcher only', async () => {
      const otps = Array.from({ length: 10 }, () => newOtp());
      for (const otp of otps) await store.issue(otp);
      const held = await store.claimDelivery(otps[0]!.id, 'other', 60_000);
      expect(held).not.toBeNull();
      const ids = [...otps.map((o) => o.id), randomUUID()];
      const [mine, theirs] = await Promise.all([store.claimDeliveries(ids, 'me', 60_000), store.claimDeliveries(ids, 'them', 60_000)]);
      const claimed = [...mine, ...theirs].map((r) => r.id).sort();
      expect(claimed).toEqual(otps.slice(1).map((o) => o.id).sort()); // each once; the held one by neither
      for (const record of mine) expect(record).toMatchObject({ sealedCode: expect.any(String), delivery: { state: 'sending', claimedBy: 'me' } });
      expect(await store.claimDeliveries([], 'me', 60_000)).toEqual([]);
    });

    it('renews only the claims a dispatcher still holds, keeping others from taking over', async () => {
      const mine = newOtp();
      const theirs = newOtp();
      await store.issue(mine);
      await store.issue(theirs);
      await store.claimDelivery(mine.id, 'me', 300);
      await store.claimDelivery(theirs.id, 'them', 60_000);
      await sleep(200);
      expect(await store.renewLeases([mine.id, theirs.id, randomUUID()], 'me', 60_000)).toBe(1);
      await sleep(200); // past the first lease, within the renewed one
      expect(await store.claimDelivery(mine.id, 'rescuer', 300)).toBeNull();
      expect(await store.findDueDeliveries(new Date(), new Date(0), 1000)).not.toContain(mine.id);
    });

    it('records a failed delivery with its reason', async () => {
      const otp = newOtp();
      await store.issue(otp);
      const now = new Date();
      await store.claimDelivery(otp.id, 'w', 60_000);
      await store.completeDelivery(otp.id, 'w', { state: 'failed', at: now, attempts: 1, error: 'SendGrid answered 400' });
      expect((await store.findLatest(otp.email, 'default'))?.delivery).toMatchObject({ state: 'failed', error: 'SendGrid answered 400' });
    });

    it('puts a transiently failed delivery back to pending, sealed code kept, claimable only from its next attempt time', async () => {
      const otp = newOtp({ createdAt: new Date(Date.now() - 30_000) });
      await store.issue(otp);
      await store.claimDelivery(otp.id, 'w', 60_000);
      expect(await store.completeDelivery(otp.id, 'w', { state: 'retry', attempts: 1, error: 'SendGrid answered 503', retryInMs: 400 })).toBe(true);
      const waiting = await store.findLatest(otp.email, 'default');
      expect(waiting).toMatchObject({ sealedCode: otp.sealedCode, delivery: { state: 'pending', attempts: 1, error: 'SendGrid answered 503', claimedBy: null } });
      expect(waiting!.delivery.nextAttemptAt).not.toBeNull();
      expect(await store.claimDelivery(otp.id, 'early', 60_000)).toBeNull();
      expect(await store.findDueDeliveries(new Date(), new Date(), 1000)).not.toContain(otp.id);
      await sleep(500);
      expect(await store.findDueDeliveries(new Date(), new Date(), 1000)).toContain(otp.id);
      expect(await store.claimDelivery(otp.id, 'later', 60_000)).toMatchObject({ id: otp.id, sealedCode: otp.sealedCode });
      expect(await store.completeDelivery(otp.id, 'later', { state: 'sent', at: new Date(), attempts: 2 })).toBe(true);
      expect((await store.findLatest(otp.email, 'default'))?.delivery).toMatchObject({ state: 'sent', attempts: 2, error: null, nextAttemptAt: null });
    });

    it('records provider events once each, moving the state only from the states allowed, and tells subscribers on any handle', async () => {
      const sibling = await tier.sibling(store);
      const changes: string[] = [];
      const subscription = await sibling.subscribeDeliveryChanges((ids) => changes.push(...ids));
      try {
        const otp = newOtp();
        await store.issue(otp);
        expect(await store.deliveryStatus(otp.id)).toMatchObject({ state: 'pending', expiresAt: otp.expiresAt });
        await store.claimDelivery(otp.id, 'w', 60_000);
        await until(() => changes.includes(otp.id));
        await store.completeDelivery(otp.id, 'w', { state: 'sent', at: new Date(), attempts: 1 });
        const sent = await store.deliveryStatus(otp.id);
        expect(sent?.state).toBe('sent');

        const delivered = { eventId: 'ev-1', to: 'delivered', from: ['sent', 'deferred'] } as const;
        changes.length = 0;
        expect(await store.recordDeliveryEvent(otp.id, delivered)).toBe('applied');
        await until(() => changes.includes(otp.id));
        const status = await store.deliveryStatus(otp.id);
        expect(status?.state).toBe('delivered');
        expect(status!.updatedAt.getTime()).toBeGreaterThanOrEqual(sent!.updatedAt.getTime());
        expect(await store.recordDeliveryEvent(otp.id, delivered)).toBe('duplicate');
        // Later news of a deferral does not undo a delivery; a spam report moves nothing.
        expect(await store.recordDeliveryEvent(otp.id, { eventId: 'ev-2', to: 'deferred', from: ['sent', 'deferred'] })).toBe('recorded');
        expect(await store.recordDeliveryEvent(otp.id, { eventId: 'ev-3', to: null, from: [] })).toBe('recorded');
        expect((await store.deliveryStatus(otp.id))?.state).toBe('delivered');
        expect(await store.recordDeliveryEvent(randomUUID(), delivered)).toBe('unknown');
        expect(await store.deliveryStatus(randomUUID())).toBeNull();

        // Once the code is used it is gone, and so is its status.
        expect(await check(otp)).toEqual({ result: 'verified' });
        expect(await store.deliveryStatus(otp.id)).toBeNull();
      } finally {
        await subscription.close();
        if (sibling !== store) await sibling.close();
      }
    });

    it('ignores provider events for an expired code', async () => {
      const otp = newOtp({ createdAt: new Date(Date.now() - 10_000), expiresAt: new Date(Date.now() - 1) });
      await store.issue(otp);
      expect(await store.recordDeliveryEvent(otp.id, { eventId: 'late', to: 'delivered', from: ['pending', 'sent'] })).toBe('unknown');
      expect((await store.deliveryStatus(otp.id))?.state).toBe('pending');
    });

    it('finds due deliveries: pending past the grace period, or with a lapsed lease; not expired ones', async () => {
      const now = new Date();
      const old = newOtp({ createdAt: new Date(now.getTime() - 30_000) });
      const young = newOtp({ createdAt: now });
      const expired = newOtp({ createdAt: new Date(now.getTime() - 30_000), expiresAt: new Date(now.getTime() - 1) });
      const lapsed = newOtp({ createdAt: now });
      for (const otp of [old, young, expired, lapsed]) await store.issue(otp);
      await store.claimDelivery(lapsed.id, 'dead', 100);
      await sleep(200);

      const due = await store.findDueDeliveries(new Date(), new Date(now.getTime() - 10_000), 1000);
      expect(due).toContain(old.id);
      expect(due).toContain(lapsed.id);
      expect(due).not.toContain(young.id);
      expect(due).not.toContain(expired.id);
    });

    it('feeds inserts in order and resumes after a saved position', async () => {
      const seen: InsertEvent[] = [];
      const sub = await store.subscribeInserts(null, async (e) => {
        seen.push(e);
      });
      const a = newOtp();
      const b = newOtp();
      await store.issue(a);
      await store.issue(b);
      await until(() => seen.some((e) => e.id === b.id));
      await sub.close();
      const ids = seen.map((e) => e.id);
      expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
      const afterA = seen.find((e) => e.id === a.id)!.token!;
      await store.saveCheckpoint('contract', afterA);
      expect(await store.loadCheckpoint('contract')).toBe(afterA);

      // Inserted while nobody listens: a resumed feed still hands it over, replacements too.
      const c = newOtp();
      await store.issue(c);
      const cAgain = newOtp({ email: c.email });
      await store.issue(cAgain);
      const resumed: string[] = [];
      const sub2 = await store.subscribeInserts(afterA, async (e) => {
        resumed.push(e.id);
      });
      await until(() => resumed.includes(cAgain.id));
      await sub2.close();
      // A replaced code may or may not be fed (its email is never sent either way).
      expect(resumed.filter((id) => id !== c.id)).toEqual([b.id, cAgain.id]);
    });

  });
}

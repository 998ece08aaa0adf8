// The promises every OtpStore keeps, written once and run against each adapter: the embedded
// store always, MongoDB wherever a mongod is reachable.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { InsertEvent, NewOtp, OtpStore } from '../../src/store/otp.store.js';
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
    afterAll(async () => store && tier.dispose(store));

    it('finds the newest code for (email, purpose) and only for that pair', async () => {
      const otp = newOtp({ purpose: 'payment' });
      await store.insert(otp);
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

    it('replaces the previous code on insert', async () => {
      const first = newOtp();
      await store.insert(first);
      const second = newOtp({ email: first.email, createdAt: new Date(first.createdAt.getTime() + 1) });
      await store.insert(second);
      expect((await store.findLatest(first.email, 'default'))?.id).toBe(second.id);
      expect(await store.claimDelivery(first.id, 'w', 60_000)).toBeNull();
      expect(await store.consume(first.id, 5)).toBe(false);
      expect(await store.addFailedAttempt(first.id, 5)).toBeNull();
    });

    // "Newest" is the order in which the store applied the inserts, never the createdAt that an
    // app server's clock wrote: with clock skew between replicas, or two codes in the same
    // millisecond, the code emailed last is the one that verifies.
    it('keeps the code stored last even when its createdAt is older (clock skew)', async () => {
      const now = Date.now();
      const fromFastClock = newOtp({ createdAt: new Date(now + 10_000) });
      const fromSlowClock = newOtp({ email: fromFastClock.email, createdAt: new Date(now - 10_000) });
      await store.insert(fromFastClock);
      await store.insert(fromSlowClock);
      expect((await store.findLatest(fromFastClock.email, 'default'))?.id).toBe(fromSlowClock.id);
      expect(await store.consume(fromFastClock.id, 5)).toBe(false);
      expect(await store.consume(fromSlowClock.id, 5)).toBe(true);
    });

    it('keeps the code stored last when two share a createdAt to the millisecond', async () => {
      const at = new Date();
      const ids = ['ffffffff-0000-4000-8000-000000000000', '00000000-0000-4000-8000-000000000000'];
      const [a, b] = ids.map((id) => newOtp({ id, createdAt: at }));
      const email = a!.email;
      await store.insert({ ...a!, email });
      await store.insert({ ...b!, email });
      expect((await store.findLatest(email, 'default'))?.id).toBe(b!.id);
      await store.insert({ ...a!, id: randomUUID(), email, codeHash: 'third' });
      expect((await store.findLatest(email, 'default'))?.codeHash).toBe('third');
    });

    it('leaves exactly one live code after concurrent inserts for one address', async () => {
      const email = newOtp().email;
      const otps = Array.from({ length: 10 }, () => newOtp({ email }));
      await Promise.all(otps.map((otp) => store.insert(otp)));
      const live = await store.findLatest(email, 'default');
      const alive = await Promise.all(otps.map((otp) => store.addFailedAttempt(otp.id, 5)));
      expect(alive.filter((n) => n !== null)).toHaveLength(1);
      expect(otps[alive.findIndex((n) => n !== null)]!.id).toBe(live?.id);
    });

    it('counts wrong attempts atomically up to the cap', async () => {
      const otp = newOtp();
      await store.insert(otp);
      const results = await Promise.all(Array.from({ length: 20 }, () => store.addFailedAttempt(otp.id, 5)));
      expect(results.filter((r) => r !== null).sort()).toEqual([1, 2, 3, 4, 5]);
      expect((await store.findLatest(otp.email, 'default'))?.attempts).toBe(5);
      expect(await store.consume(otp.id, 5)).toBe(false);
    });

    it('consumes a code once', async () => {
      const otp = newOtp();
      await store.insert(otp);
      const results = await Promise.all(Array.from({ length: 10 }, () => store.consume(otp.id, 5)));
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.findLatest(otp.email, 'default')).toBeNull();
      expect(await store.addFailedAttempt(otp.id, 5)).toBeNull();
    });

    it('lets one dispatcher claim a delivery, and another take it over when the lease runs out', async () => {
      const otp = newOtp();
      await store.insert(otp);
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

    it('renews only the claims a dispatcher still holds, keeping others from taking over', async () => {
      const mine = newOtp();
      const theirs = newOtp();
      await store.insert(mine);
      await store.insert(theirs);
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
      await store.insert(otp);
      const now = new Date();
      await store.claimDelivery(otp.id, 'w', 60_000);
      await store.completeDelivery(otp.id, 'w', { state: 'failed', at: now, attempts: 1, error: 'SendGrid answered 400' });
      expect((await store.findLatest(otp.email, 'default'))?.delivery).toMatchObject({ state: 'failed', error: 'SendGrid answered 400' });
    });

    it('finds due deliveries: pending past the grace period, or with a lapsed lease; not expired ones', async () => {
      const now = new Date();
      const old = newOtp({ createdAt: new Date(now.getTime() - 30_000) });
      const young = newOtp({ createdAt: now });
      const expired = newOtp({ createdAt: new Date(now.getTime() - 30_000), expiresAt: new Date(now.getTime() - 1) });
      const lapsed = newOtp({ createdAt: now });
      for (const otp of [old, young, expired, lapsed]) await store.insert(otp);
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
      await store.insert(a);
      await store.insert(b);
      await until(() => seen.some((e) => e.id === b.id));
      await sub.close();
      const ids = seen.map((e) => e.id);
      expect(ids.indexOf(a.id)).toBeLessThan(ids.indexOf(b.id));
      const afterA = seen.find((e) => e.id === a.id)!.token!;
      await store.saveCheckpoint('contract', afterA);
      expect(await store.loadCheckpoint('contract')).toBe(afterA);

      // Inserted while nobody listens: a resumed feed still hands it over, replacements too.
      const c = newOtp();
      await store.insert(c);
      const cAgain = newOtp({ email: c.email });
      await store.insert(cAgain);
      const resumed: string[] = [];
      const sub2 = await store.subscribeInserts(afterA, async (e) => {
        resumed.push(e.id);
      });
      await until(() => resumed.includes(cAgain.id));
      await sub2.close();
      // A replaced code may or may not be fed (its email is never sent either way).
      expect(resumed.filter((id) => id !== c.id)).toEqual([b.id, cAgain.id]);
    });

    it('shares rate-limit state between handles on the same data', async () => {
      const other = await tier.sibling(store);
      const options = { keyPrefix: `contract_${randomUUID().slice(0, 8)}`, points: 2, durationSeconds: 60 };
      const one = store.createRateLimiter(options);
      const two = other.createRateLimiter(options);
      await one.consume('k');
      await two.consume('k');
      await expect(one.consume('k')).rejects.toMatchObject({ msBeforeNext: expect.any(Number) });
      if (other !== store) await other.close();
    });

  });
}

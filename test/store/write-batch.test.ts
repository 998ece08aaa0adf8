// Concurrent requests' claims share one bulk write (src/store/mongo/write-batch.ts). What
// batching could break, held against a real mongod: a refused caller told apart from the
// others in its command, counts exact under races, each request's own outcome, and fewer
// commands than requests. Counted with the driver's command monitoring.
import { randomUUID } from 'node:crypto';
import type { CommandStartedEvent } from 'mongodb';
import { afterAll, beforeAll, beforeEach, expect, it } from 'vitest';
import { MongoOtpStore, STATE_COLLECTION } from '../../src/store/mongo.store.js';
import { describeOnTier, mongoTier as tier, mongoUri } from '../support/stores.js';
import { generousLimits, newOtp } from './store.contract.js';

describeOnTier(tier, 'MongoDB: concurrent claims in one bulk write', () => {
  let store: MongoOtpStore;
  let commands: string[] = [];
  const record = (event: CommandStartedEvent) => void (['update', 'find', 'findAndModify'].includes(event.commandName) && commands.push(event.commandName));
  const count = (name: string) => commands.filter((c) => c === name).length;

  beforeAll(async () => {
    store = await MongoOtpStore.connect({ uri: mongoUri!, dbName: `otp_batch_${randomUUID().slice(0, 8)}`, monitorCommands: true });
    store.client.on('commandStarted', record);
  });
  beforeEach(() => {
    commands = [];
  });
  afterAll(async () => {
    await store?.db.dropDatabase().catch(() => undefined);
    await store?.close();
  });

  const limits = generousLimits;
  const addressDoc = (mailbox: string) => store.db.collection(STATE_COLLECTION).findOne({ _id: mailbox as never });

  it("40 verifications of one caller at once, a budget of 10: exactly 10 counted, 30 refused with a wait, in one update", async () => {
    const client = { key: `verify|${randomUUID()}`, limit: { max: 10, windowSeconds: 60 } };
    const now = new Date();
    const waits = await Promise.all(Array.from({ length: 40 }, () => store.countClient(client, now)));
    expect(waits.filter((w) => w === null)).toHaveLength(10);
    const refused = waits.filter((w): w is number => w !== null);
    expect(refused).toHaveLength(30);
    for (const wait of refused) expect(wait).toBeGreaterThan(0);
    // One command for the 40 counters; each refusal reads its wait.
    expect(count('update')).toBe(1);
    expect(count('find')).toBe(30);
    const counter = await store.db.collection(STATE_COLLECTION).findOne({ _id: { client: client.key } as never });
    expect(counter?.window.count).toBe(10);
  });

  it('requests of one turn: a refused caller, a refused address and the issued ones each hear their own outcome', async () => {
    const now = new Date();
    const busy = newOtp({}, now);
    expect(await store.issue(busy, limits({ cooldownSeconds: 30 }))).toMatchObject({ issued: true });
    commands = [];
    const caller = { key: `request|${randomUUID()}`, limit: { max: 3, windowSeconds: 60 } };
    const limitedCaller = Array.from({ length: 5 }, () => newOtp({}, now));
    const free = Array.from({ length: 3 }, () => newOtp({}, now));
    const againBusy = [newOtp({ email: busy.email }, now), newOtp({ email: busy.email }, now)];
    const outcomes = await Promise.all([
      ...limitedCaller.map((otp) => store.issue(otp, { ...limits(), client: caller })),
      ...free.map((otp) => store.issue(otp, limits())),
      ...againBusy.map((otp) => store.issue(otp, limits({ cooldownSeconds: 30 }))),
    ]);
    const byCaller = outcomes.slice(0, 5);
    expect(byCaller.filter((o) => o.issued)).toHaveLength(3);
    const callerRefused = byCaller.filter((o) => !o.issued);
    expect(callerRefused).toHaveLength(2);
    for (const o of callerRefused) expect(o).toMatchObject({ issued: false, limit: 'client' });
    expect(outcomes.slice(5, 8).every((o) => o.issued)).toBe(true);
    for (const o of outcomes.slice(8)) expect(o).toMatchObject({ issued: false, limit: 'cooldown' });
    // What is stored is exactly what was said: the issued codes are there, the refused ones are not.
    const said = [...limitedCaller, ...free, ...againBusy].map((otp, i) => [otp, outcomes[i]!.issued] as const);
    for (const [otp, issued] of said) expect(Boolean(await store.findById(otp.id))).toBe(issued);
    // A refused caller touched no address.
    for (const [otp, issued] of said.slice(0, 5)) if (!issued) expect(await addressDoc(otp.mailbox)).toBeNull();
    expect((await addressDoc(busy.mailbox))?.slots).toHaveLength(1);
    // Ten requests in fewer commands than ten (each refusal of the caller splits one).
    expect(count('update')).toBeLessThan(10);
  });

  it('one address asked for codes by six requests at once, two allowed live: exactly two issued', async () => {
    const email = newOtp().email;
    const otps = Array.from({ length: 6 }, () => newOtp({ email }));
    const outcomes = await Promise.all(otps.map((otp) => store.issue(otp, limits({ maxLive: 2 }))));
    expect(outcomes.filter((o) => o.issued)).toHaveLength(2);
    for (const o of outcomes.filter((o) => !o.issued)) expect(o).toMatchObject({ limit: 'live' });
    expect((await addressDoc(email))?.slots?.map((s: { codeId: string }) => s.codeId).sort()).toEqual(otps.filter((_, i) => outcomes[i]!.issued).map((o) => o.id).sort());
    expect(count('update')).toBe(1);
  });

  it('fresh addresses issued together: one update for all, no read', async () => {
    const otps = Array.from({ length: 25 }, () => newOtp());
    const caller = { key: `request|${randomUUID()}`, limit: { max: 1000, windowSeconds: 60 } };
    const outcomes = await Promise.all(otps.map((otp) => store.issue(otp, { ...limits(), client: caller })));
    expect(outcomes.every((o) => o.issued)).toBe(true);
    expect(commands).toEqual(['update']);
    const counter = await store.db.collection(STATE_COLLECTION).findOne({ _id: { client: caller.key } as never });
    expect(counter?.window.count).toBe(25);
  });
});

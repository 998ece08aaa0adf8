// The MongoDB tier: the store contract and MongoDB's own promises (indexes, replica-set
// check, lost resume positions) against a real mongod. Skipped, with the reason, where none
// can be had; never faked.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/clock.js';
import { loadConfig } from '../../src/config.js';
import { createOtpService } from '../../src/create-service.js';
import { OtpStatus } from '../../src/otp/otp.status.js';
import { locateMongod, mongodVersion, startEmbeddedMongo } from '../../src/store/embedded-mongo.js';
import { MongoOtpStore, STATE_COLLECTION, StandaloneServerError } from '../../src/store/mongo.store.js';
import { ResumePointLostError } from '../../src/store/otp.store.js';
import { TEST_SECRET } from '../support/harness.js';
import { describeOnTier, mongoTier as tier, mongoUri } from '../support/stores.js';
import { systemClock } from '../../src/clock.js';
import { Dispatcher } from '../../src/delivery/dispatcher.js';
import { builtInEmails } from '../support/emails.js';
import { SendGridMailer } from '../../src/mail/sendgrid.mailer.js';
import { FakeSendGrid } from '../support/fake-sendgrid.js';
import { memoryLogger } from '../support/harness.js';
import { describeStoreContract, newOtp, until } from './store.contract.js';

describeStoreContract(tier);

describeOnTier(tier, 'MongoDB specifics', () => {
    let store: MongoOtpStore;
    beforeAll(async () => {
      store = (await tier.create()) as MongoOtpStore;
    });
    afterAll(async () => tier.dispose(store));

    it('creates a TTL index on expiresAt with expireAfterSeconds 0, and the lookup indexes', async () => {
      const indexes = await store.db.collection(STATE_COLLECTION).indexes();
      const ttl = indexes.find((i) => i.name === 'ttl_expiresAt');
      expect(ttl).toMatchObject({ key: { expiresAt: 1 }, expireAfterSeconds: 0 });
      expect(indexes.find((i) => i.name === 'slot_code_id')).toMatchObject({ key: { 'slots.codeId': 1 } });
      expect(indexes.find((i) => i.name === 'slot_delivery_due')).toBeDefined();
    });

    it("keeps an address's document while a webhook waits in it, and lets it go when the relay has moved it", async () => {
      const otp = newOtp();
      await store.issue(otp);
      const verified = { id: `msg_${randomUUID()}`, type: 'otp.verified', payload: '{}', createdAt: new Date() };
      expect(await store.check({ mailbox: otp.mailbox, purpose: otp.purpose, id: otp.id, codeHash: otp.codeHash, now: new Date(), maxAttempts: 5, guesses: { max: 10, windowSeconds: 60 }, webhooks: { verified } })).toEqual({ result: 'verified' });
      const doc = () => store.db.collection(STATE_COLLECTION).findOne({ _id: otp.mailbox as never });
      // Nothing else keeps it (no code, no window): only the waiting event, for a week.
      expect((await doc())!.expiresAt.getTime()).toBeGreaterThanOrEqual(verified.createdAt.getTime() + 7 * 24 * 3600 * 1000);
      expect(await store.relayWebhooks(1000)).toBeGreaterThanOrEqual(1);
      const relieved = await doc();
      expect(relieved?.webhooks).toBeUndefined();
      expect(relieved!.expiresAt.getTime()).toBeLessThan(Date.now() + 60_000);
    });

    it('sends a finished event no second time when a relay that died between its two writes moves it again', async () => {
      const otp = newOtp();
      await store.issue(otp);
      const verified = { id: `msg_${randomUUID()}`, type: 'otp.verified', payload: '{}', createdAt: new Date() };
      await store.check({ mailbox: otp.mailbox, purpose: otp.purpose, id: otp.id, codeHash: otp.codeHash, now: new Date(), maxAttempts: 5, guesses: { max: 10, windowSeconds: 60 }, webhooks: { verified } });
      // The dead relay's first write: the event in the outbox, still in the address too.
      await store.enqueueWebhook(verified);
      const worker = `w-${randomUUID()}`;
      expect((await store.claimWebhooks(worker, 60_000, 1000)).map((e) => e.id)).toContain(verified.id);
      expect(await store.completeWebhook(verified.id, worker, { state: 'delivered' })).toBe(true);
      // The next relay moves it again: the finished marker keeps it from being sent twice.
      await store.relayWebhooks(1000);
      expect((await store.claimWebhooks(worker, 60_000, 1000)).map((e) => e.id)).not.toContain(verified.id);
      expect((await store.db.collection(STATE_COLLECTION).findOne({ _id: otp.mailbox as never }))?.webhooks).toBeUndefined();
    });

    it('creates indexes idempotently: a second start on the same database is fine', async () => {
      const again = (await tier.sibling(store)) as MongoOtpStore;
      await again.createIndexes();
      // _id, the TTL, the two delivery indexes, the relay's sparse one on waiting webhooks, and
      // the payment records' sparse one on due otp.expired events.
      expect((await again.db.collection(STATE_COLLECTION).indexes()).length).toBe(6);
      await again.close();
    });

    it('refuses an expired code before the TTL monitor has deleted it', async () => {
      const clock = new ManualClock();
      const service = createOtpService(loadConfig({ OTP_SECRET: TEST_SECRET, OTP_TTL_SECONDS: '60' }), { store, clock });
      const email = `ttl-${randomUUID()}@example.com`;
      const sent = await service.requestOtp({ email });
      const record = (await store.findLatest(email, 'default'))!;
      const code = service.codeHasher.unseal(record.sealedCode!, record.id);
      // Move the service's clock past the expiry and back-date the document so MongoDB would
      // consider it expired too; the monitor only runs about once a minute.
      clock.advance(61);
      await store.db.collection(STATE_COLLECTION).updateOne({ 'slots.codeId': record.id }, { $set: { expiresAt: new Date(Date.now() - 1000) } });
      expect(await store.findLatest(email, 'default')).not.toBeNull(); // still there...
      expect((await service.verifyOtp({ email, otp: code, requestId: (sent as { requestId: string }).requestId })).status).toBe(OtpStatus.EXPIRED); // ...and refused
    });

    it('says a lost resume position is lost: a real token older than the oplog', { timeout: 60_000 }, async () => {
      // A real resume token from this replica set...
      const tokens: string[] = [];
      const sub = await store.subscribeInserts(null, async (e) => void tokens.push(e.token!));
      await store.issue(newOtp());
      await until(() => tokens.length > 0);
      await sub.close();
      // ...given to a replica set started after it, whose oplog begins later: the position is
      // not there. MongoDB accepts it when the stream opens and refuses it at the first event.
      const younger = await startEmbeddedMongo();
      if (!younger.ok) throw new Error(younger.reason);
      const other = await MongoOtpStore.connect({ uri: younger.uri, dbName: 'otp', onClose: younger.stop });
      try {
        const errors: unknown[] = [];
        const seen: string[] = [];
        await other.subscribeInserts(tokens[0]!, async (e) => void seen.push(e.id), (error) => errors.push(error));
        await other.issue(newOtp());
        await until(() => errors.length > 0, 10_000);
        expect(errors[0]).toBeInstanceOf(ResumePointLostError);
        expect(seen).toEqual([]);
      } finally {
        await other.close();
      }
    });

    it('lets the TTL index delete an expired code (the test mongod runs its TTL monitor every second)', { timeout: 20_000 }, async () => {
      const otp = newOtp({ expiresAt: new Date(Date.now() + 500) });
      await store.issue(otp);
      expect(await store.findLatest(otp.email, otp.purpose)).not.toBeNull();
      const deadline = Date.now() + 10_000;
      while ((await store.findLatest(otp.email, otp.purpose)) !== null) {
        if (Date.now() > deadline) throw new Error('the TTL monitor did not delete the expired code within 10 s');
        await new Promise((r) => setTimeout(r, 200));
      }
    });

    it('retries a transient error on opening the feed from a saved position, instead of calling it lost', { timeout: 20_000 }, async () => {
      // The real server answers the change stream's aggregate with NotWritablePrimary twice
      // (the driver retries once by itself); only this test's connection is affected.
      const appName = `failpoint-${randomUUID().slice(0, 8)}`;
      const uri = `${mongoUri}${mongoUri!.includes('?') ? '&' : '?'}appName=${appName}`;
      const own = await MongoOtpStore.connect({ uri, dbName: store.db.databaseName });
      const logs: string[] = [];
      const sendgrid = new FakeSendGrid();
      await sendgrid.start();
      const dispatcher = new Dispatcher({
        store: own,
        mailer: new SendGridMailer({ apiKey: 'SG.test', baseUrl: sendgrid.baseUrl, timeoutMs: 2000, from: { email: 'otp@example.com', name: 'Test Bank' } }),
        hasher: createOtpService(loadConfig({ OTP_SECRET: TEST_SECRET }), { store: own, clock: systemClock }).codeHasher,
        emails: builtInEmails({ brand: 'B', merchant: 'M' }),
        clock: systemClock,
        logger: memoryLogger(logs),
        sweepSeconds: 0, // only the feed can deliver
        checkpointName: appName,
      });
      try {
        const service = createOtpService(loadConfig({ OTP_SECRET: TEST_SECRET, OTP_RESEND_COOLDOWN_SECONDS: '0' }), { store: own, clock: systemClock });
        const tokens: string[] = [];
        const sub = await own.subscribeInserts(null, async (e) => void tokens.push(e.token!));
        await service.requestOtp({ email: `${appName}-a@example.com` });
        await until(() => tokens.length > 0);
        await sub.close();
        await own.saveCheckpoint(appName, tokens[0]!);
        await service.requestOtp({ email: `${appName}-b@example.com` }); // after the saved position

        await store.client.db('admin').command({
          configureFailPoint: 'failCommand',
          mode: { times: 2 },
          data: { failCommands: ['aggregate'], errorCode: 10107, appName },
        });
        await dispatcher.start();
        await sendgrid.waitForEmails(1, `${appName}-b@example.com`, 10_000);
        expect(logs.join('\n')).not.toContain('feed position lost');
        expect(logs.join('\n')).toContain('insert feed failed; reconnecting');
        expect(sendgrid.emailsTo(`${appName}-a@example.com`)).toHaveLength(0); // resumed after it, as saved
      } finally {
        await store.client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
        await dispatcher.stop();
        await own.close();
        await sendgrid.close();
      }
    });

    it('claims a batch through an election: the multi-document update the driver will not retry is tried again', async () => {
      // The real server answers this connection's next two `update` commands with
      // NotWritablePrimary, as during a step-down; a multi-document update is not a retryable write.
      const appName = `claim-${randomUUID().slice(0, 8)}`;
      const own = await MongoOtpStore.connect({ uri: `${mongoUri}${mongoUri!.includes('?') ? '&' : '?'}appName=${appName}`, dbName: store.db.databaseName });
      try {
        const otps = [newOtp(), newOtp()];
        for (const otp of otps) await own.issue(otp);
        await store.client.db('admin').command({
          configureFailPoint: 'failCommand',
          mode: { times: 2 },
          data: { failCommands: ['update'], errorCode: 10107, appName },
        });
        const claimed = await own.claimDeliveries(otps.map((o) => o.id), 'w', 60_000);
        expect(claimed.map((r) => r.id).sort()).toEqual(otps.map((o) => o.id).sort());
      } finally {
        await store.client.db('admin').command({ configureFailPoint: 'failCommand', mode: 'off' });
        await own.close();
      }
    });

    it('calls an unreadable saved position lost at once', async () => {
      await expect(store.subscribeInserts('{not json', async () => undefined)).rejects.toBeInstanceOf(ResumePointLostError);
    });

    it('keeps the furthest checkpoint when replicas save out of order', async () => {
      const name = `cp-${randomUUID()}`;
      await store.saveCheckpoint(name, JSON.stringify({ _data: '8266000000000000022B' }));
      await store.saveCheckpoint(name, JSON.stringify({ _data: '8265000000000000012B' }));
      expect(await store.loadCheckpoint(name)).toBe(JSON.stringify({ _data: '8266000000000000022B' }));
    });
  });

describeOnTier(tier, 'MongoDB start-up checks', () => {
    it('refuses a standalone server with instructions, without hanging', async (ctx) => {
      const binary = await locateMongod();
      if (!binary) ctx.skip(); // needs a binary to start a standalone server of its own
      const { MongoMemoryServer } = await import('mongodb-memory-server-core');
      const standalone = await MongoMemoryServer.create({
        binary: { systemBinary: binary!, version: await mongodVersion(binary!) },
        instance: { storageEngine: 'wiredTiger' },
      });
      try {
        const attempt = MongoOtpStore.connect({ uri: standalone.getUri(), dbName: 'otp' });
        await expect(attempt).rejects.toBeInstanceOf(StandaloneServerError);
        await expect(attempt).rejects.toThrow(/--replSet rs0[\s\S]*rs\.initiate\(\)/);
      } finally {
        await standalone.stop();
      }
    });
  });

describe('MongoDB connection failures (no server needed)', () => {
  it('gives up on an unreachable server instead of hanging', { timeout: 5_000 }, async () => {
    await expect(
      MongoOtpStore.connect({ uri: 'mongodb://127.0.0.1:1/?directConnection=true', dbName: 'otp', startupTimeoutMS: 500 }),
    ).rejects.toThrow(/ECONNREFUSED|Server selection timed out/);
  });
});

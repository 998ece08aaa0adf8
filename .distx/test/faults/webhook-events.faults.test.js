// Tier 3: the merchant's events are written with the change they report, so a crash or a
// refused write never leaves one without the other. The service runs as child processes (an
// API and a worker); mongod's failCommand fail point, filtered by each process's appName so
// no other test's commands are touched, holds a command at the server while the test
// SIGKILLs the process that sent it. The receiver records every try's webhook-id.
import { randomBytes, randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import { FakeSendGrid } from '../support/fake-sendgrid.js';
import { TEST_SECRET } from '../support/harness.js';
import { waitFor } from '../support/mongod-processes.js';
import { serve, stopService } from '../support/service-process.js';
import { describeOnTier, mongoTier, mongoUri } from '../support/stores.js';
const REQUEST = 'mutation R($email: String!) { requestOtp(input: { email: $email }) { status requestId } }';
const VERIFY = 'mutation V($email: String!, $requestId: ID!, $otp: String!) { verifyOtp(input: { email: $email, requestId: $requestId, otp: $otp }) { status } }';
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const call = async (url, query, variables) => (await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables }), signal: AbortSignal.timeout(30_000) })).json();
const outcome = (answer) => Object.values(answer.data ?? {})[0]?.status ?? answer.errors?.[0]?.extensions?.code;
/** The merchant's backend: every try's webhook-id and event, answered 204. */
class Receiver {
    tries = [];
    server = createServer(async (req, res) => {
        const chunks = [];
        for await (const chunk of req)
            chunks.push(chunk);
        const event = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        this.tries.push({ id: String(req.headers['webhook-id']), type: event.type, email: event.data.email });
        res.writeHead(204).end();
    });
    async start() {
        await new Promise((resolve) => this.server.listen(0, '127.0.0.1', resolve));
        return `http://127.0.0.1:${this.server.address().port}/otp-events`;
    }
    of(type, email) {
        return this.tries.filter((t) => t.type === type && t.email === email);
    }
    close() {
        return new Promise((resolve) => this.server.close(() => resolve()));
    }
}
/** The URI with an appName, which the fail point filters on. */
const named = (uri, appName) => {
    const url = new URL(uri);
    url.searchParams.set('appName', appName);
    return url.toString();
};
describeOnTier(mongoTier, 'merchant events under crashes and refused writes (failCommand, the service as child processes)', () => {
    const sendgrid = new FakeSendGrid();
    const receiver = new Receiver();
    const services = [];
    let admin;
    let receiverUrl = '';
    const env = (db, role, appName, extra = {}) => ({
        ROLE: role,
        MONGODB_URI: named(mongoUri, appName),
        MONGODB_DB: db,
        OTP_SECRET: TEST_SECRET,
        SENDGRID_API_KEY: 'SG.test',
        SENDGRID_BASE_URL: sendgrid.baseUrl,
        WEBHOOK_URL: receiverUrl,
        WEBHOOK_SECRET: SECRET,
        WEBHOOK_POLL_MS: '100',
        CLIENT_MAX_REQUESTS_PER_WINDOW: '100000',
        CLIENT_MAX_VERIFICATIONS_PER_WINDOW: '100000',
        DELIVERY_SWEEP_SECONDS: '3600',
        DELIVERY_GRACE_SECONDS: '3600',
        ...extra,
    });
    const start = async (e) => {
        const service = await serve(e);
        services.push(service);
        return service;
    };
    const failPoint = (mode, data = {}) => admin.db('admin').command({ configureFailPoint: 'failCommand', mode, data });
    /** A code issued through `api` and emailed by the worker. */
    const issued = async (api, email) => {
        const answer = await call(api, REQUEST, { email });
        expect(outcome(answer)).toBe('SENT');
        return { requestId: answer.data.requestOtp.requestId, otp: await sendgrid.latestCode(email) };
    };
    const waitingIn = async (db, email) => ((await db.collection('otp_state').findOne({ _id: email }))?.webhooks ?? []);
    beforeAll(async () => {
        await sendgrid.start();
        receiverUrl = await receiver.start();
        admin = await MongoClient.connect(mongoUri);
    });
    afterEach(async () => {
        await failPoint('off').catch(() => undefined);
        await Promise.all(services.splice(0).map((s) => stopService(s, 'SIGKILL')));
        sendgrid.reset();
    });
    afterAll(async () => {
        await admin?.close();
        await receiver.close();
        await sendgrid.close();
    });
    it('an API killed right after the consume, its next writes cut by a fail point: the event was in the consume, and arrives once', { timeout: 60_000 }, async () => {
        const db = `otp_events_${randomUUID().slice(0, 8)}`;
        const apiName = `api-${randomUUID().slice(0, 8)}`;
        const api = await start(env(db, 'api', apiName));
        await start(env(db, 'worker', `worker-${randomUUID().slice(0, 8)}`));
        const email = `between-${randomUUID().slice(0, 8)}@example.com`;
        const { requestId, otp } = await issued(api.url, email);
        // Where the event used to be written, after the consume, as a write of its own: past the
        // caller's counter (the request's first update), any such write by the API never takes
        // effect (its connection is cut, as if the process had died first), and the API is killed
        // as soon as the code is consumed.
        await failPoint({ skip: 1 }, { failCommands: ['insert', 'update'], closeConnection: true, appName: apiName });
        const answer = call(api.url, VERIFY, { email, requestId, otp }).catch((error) => error);
        await waitFor('the code consumed', async () => (await admin.db(db).collection('otp_state').findOne({ 'slots.codeId': requestId })) === null, 10_000);
        await stopService(api, 'SIGKILL');
        await answer;
        await failPoint('off');
        await waitFor('otp.verified at the merchant', async () => receiver.of('otp.verified', email).length > 0, 10_000);
        await sleep(1_000);
        expect(receiver.of('otp.verified', email)).toHaveLength(1);
    });
    it('an API killed while its verifying write is held at the server: the code is consumed with its event, or neither', { timeout: 60_000 }, async () => {
        const db = `otp_events_${randomUUID().slice(0, 8)}`;
        const apiName = `api-${randomUUID().slice(0, 8)}`;
        const api = await start(env(db, 'api', apiName));
        await start(env(db, 'worker', `worker-${randomUUID().slice(0, 8)}`));
        const email = `held-${randomUUID().slice(0, 8)}@example.com`;
        const { requestId, otp } = await issued(api.url, email);
        // The verifying findAndModify waits 2 s at the server; the API dies in the meantime.
        await failPoint({ times: 1 }, { failCommands: ['findAndModify'], blockConnection: true, blockTimeMS: 2_000, appName: apiName });
        const answer = call(api.url, VERIFY, { email, requestId, otp }).catch((error) => error);
        await waitFor('the held command', async () => (await admin.db('admin').command({ currentOp: true, appName: apiName })).inprog?.length > 0 || undefined, 10_000).catch(() => sleep(500));
        await stopService(api, 'SIGKILL');
        expect(await answer).toBeInstanceOf(Error); // the caller never heard
        await sleep(2_500); // past the hold: mongod runs the command, or it was dropped with the connection
        const consumed = (await admin.db(db).collection('otp_state').findOne({ 'slots.codeId': requestId })) === null;
        if (consumed) {
            await waitFor('otp.verified at the merchant', async () => receiver.of('otp.verified', email).length > 0, 10_000);
        }
        else {
            // Not consumed: no event, and the code still verifies (with its event) through a new API.
            await sleep(1_000);
            expect(receiver.of('otp.verified', email)).toHaveLength(0);
            const again = await start(env(db, 'api', `api-${randomUUID().slice(0, 8)}`));
            expect(outcome(await call(again.url, VERIFY, { email, requestId, otp }))).toBe('VERIFIED');
            await waitFor('otp.verified at the merchant', async () => receiver.of('otp.verified', email).length > 0, 10_000);
        }
        await sleep(1_000);
        expect(new Set(receiver.of('otp.verified', email).map((t) => t.id)).size).toBe(1);
    });
    it('a worker killed between moving an event into the outbox and removing it from the address: delivered once, after a restart', { timeout: 60_000 }, async () => {
        const db = `otp_events_${randomUUID().slice(0, 8)}`;
        const workerName = `worker-${randomUUID().slice(0, 8)}`;
        const api = await start(env(db, 'api', `api-${randomUUID().slice(0, 8)}`));
        const worker = await start(env(db, 'worker', workerName));
        const email = `relay-${randomUUID().slice(0, 8)}@example.com`;
        const { requestId, otp } = await issued(api.url, email);
        await sleep(1_000); // the worker's own writes for that email (outcome, feed position) are done
        // The relay's first update (the upsert into the outbox) goes through; the second (the
        // removal from the address's document) is held, and the worker is killed there.
        await failPoint({ skip: 1 }, { failCommands: ['update'], blockConnection: true, blockTimeMS: 5_000, appName: workerName });
        expect(outcome(await call(api.url, VERIFY, { email, requestId, otp }))).toBe('VERIFIED');
        const store = admin.db(db);
        await waitFor('the event in the outbox', async () => (await store.collection('webhook_outbox').countDocuments({ type: 'otp.verified' })) === 1, 10_000);
        expect((await waitingIn(store, email)).map((w) => w.type)).toEqual(['otp.verified']); // in both places now
        await stopService(worker, 'SIGKILL');
        await failPoint('off');
        expect(receiver.of('otp.verified', email)).toHaveLength(0);
        await start(env(db, 'worker', `worker-${randomUUID().slice(0, 8)}`));
        await waitFor('otp.verified at the merchant', async () => receiver.of('otp.verified', email).length > 0, 15_000);
        await waitFor('the address relieved of it', async () => (await waitingIn(store, email)).length === 0, 10_000);
        await sleep(1_500); // more polls: nothing is sent again
        expect(receiver.of('otp.verified', email)).toHaveLength(1);
    });
    it('an event that cannot be recorded: the code is not consumed, the caller hears SERVICE_UNAVAILABLE (retryable), and nothing is sent', { timeout: 60_000 }, async () => {
        const db = `otp_events_${randomUUID().slice(0, 8)}`;
        const api = await start(env(db, 'api', `api-${randomUUID().slice(0, 8)}`));
        await start(env(db, 'worker', `worker-${randomUUID().slice(0, 8)}`));
        const email = `refused-${randomUUID().slice(0, 8)}@example.com`;
        const { requestId, otp } = await issued(api.url, email);
        // Events are written in the address's document: a validator there that refuses any document
        // holding one refuses the consume with it.
        await admin.db(db).command({ collMod: 'otp_state', validator: { webhooks: { $exists: false } }, validationLevel: 'strict', validationAction: 'error' });
        const refused = await call(api.url, VERIFY, { email, requestId, otp });
        expect(refused.errors?.[0]?.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
        expect(refused.data?.verifyOtp ?? null).toBeNull();
        // A wrong guess makes no event, and is counted as ever.
        expect(outcome(await call(api.url, VERIFY, { email, requestId, otp: otp === '000000' ? '111111' : '000000' }))).toBe('MISMATCHED');
        expect(api.lines.join('\n')).not.toContain(otp);
        await admin.db(db).command({ collMod: 'otp_state', validator: {}, validationLevel: 'off' });
        expect(receiver.of('otp.verified', email)).toHaveLength(0);
        // The code was never consumed: the retry verifies it, and the merchant hears of it once.
        expect(outcome(await call(api.url, VERIFY, { email, requestId, otp }))).toBe('VERIFIED');
        await waitFor('otp.verified at the merchant', async () => receiver.of('otp.verified', email).length > 0, 10_000);
    });
    it('an outbox that refuses every event (the old failure): VERIFIED, and the event waits in the address until the outbox takes it', { timeout: 60_000 }, async () => {
        const db = `otp_events_${randomUUID().slice(0, 8)}`;
        const api = await start(env(db, 'api', `api-${randomUUID().slice(0, 8)}`));
        const worker = await start(env(db, 'worker', `worker-${randomUUID().slice(0, 8)}`));
        const email = `outbox-${randomUUID().slice(0, 8)}@example.com`;
        const { requestId, otp } = await issued(api.url, email);
        await admin.db(db).createCollection('webhook_outbox').catch(() => undefined);
        await admin.db(db).command({ collMod: 'webhook_outbox', validator: { never: { $exists: true } }, validationLevel: 'strict', validationAction: 'error' });
        expect(outcome(await call(api.url, VERIFY, { email, requestId, otp }))).toBe('VERIFIED');
        await waitFor('a refused relay', async () => worker.lines.some((l) => l.includes('webhook outbox could not be read')), 10_000);
        expect((await waitingIn(admin.db(db), email)).map((w) => w.type)).toEqual(['otp.verified']);
        expect(receiver.of('otp.verified', email)).toHaveLength(0);
        await admin.db(db).command({ collMod: 'webhook_outbox', validator: {}, validationLevel: 'off' });
        await waitFor('otp.verified at the merchant', async () => receiver.of('otp.verified', email).length > 0, 10_000);
        await sleep(1_000);
        expect(receiver.of('otp.verified', email)).toHaveLength(1);
    });
});
//# sourceMappingURL=webhook-events.faults.test.js.map
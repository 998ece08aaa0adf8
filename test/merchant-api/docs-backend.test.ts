// A merchant's backend written from docs/merchant-backend.md: the docs' lines run as written
// (in a file of their own, with jose from the project, against the real server), with a real
// webhook receiver that checks every signature. It looks a verification up through its
// timeline, cancels another (the code then answers as dead; otp.canceled arrives once), hears
// otp.requested and otp.expired, checks a payment's evidence against the JWKS, and replays a
// webhook, which arrives again under its own id.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { KEDAI, makeIntent, writeMerchantsFile } from '../support/intents.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { eventually } from '../support/ws-client.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url);
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;

/** The lines after the docs' merchant-api marker: the code block that follows it. */
async function docsLines(): Promise<string> {
  const doc = await readFile(new URL('docs/merchant-backend.md', ROOT), 'utf8');
  const block = /```js\n([\s\S]*?)```/.exec(doc.split('<!-- merchant-api:')[1] ?? '');
  if (!block) throw new Error('docs/merchant-backend.md has no merchant-api block');
  return block[1]!;
}

describe("the docs' merchant backend", () => {
  const receiver = new WebhookReceiver(SECRET);
  let h: Harness;
  let dir: string;
  let backend: string;
  /** Runs one of the docs' functions by name with `arg`, in a node process of its own; its JSON answer. */
  const call = async (fn: string, arg: string) => {
    const env = { ...process.env, MERCHANT_PRIVATE_KEY: KEDAI.current.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    const { stdout } = await run(process.execPath, [backend, fn, arg], { cwd: dir, env, timeout: 20_000 });
    return JSON.parse(stdout) as any;
  };
  const request = async (email: string, orderId: string, purpose = 'payment') => {
    const sent = await h.client.requestOtp({ email, purpose, paymentIntent: await makeIntent({ jti: orderId, amount: '149.90' }) });
    expect(sent.status).toBe('SENT');
    return { requestId: sent.requestId!, code: await h.sendgrid.latestCode(email) };
  };

  beforeAll(async () => {
    const url = await receiver.start();
    h = await startHarness({
      MERCHANTS_FILE: await writeMerchantsFile(),
      WEBHOOK_URL: url,
      WEBHOOK_SECRET: SECRET,
      WEBHOOK_POLL_MS: '100',
      // A purpose whose codes live 2 s, to watch one die unused.
      OTP_TRANSACTION_PURPOSES: 'payment,quickpay',
      OTP_TTL_SECONDS_BY_PURPOSE: 'quickpay=2',
    });
    // Inside the project, so that `jose` resolves as it does in a backend that installed it.
    dir = await mkdtemp(join(new URL('.', ROOT).pathname, '.merchant-api-docs-'));
    backend = join(dir, 'backend.mjs');
    const base = h.url.replace(/\/graphql$/, '');
    const lines = (await docsLines()).replaceAll('http://localhost:4000', base);
    // Every address in them now names this test's own server (a free port), never the quick start's 4000.
    expect(lines).not.toContain(':4000');
    const functions = '{ lookUp, cancel, replay, checkEvidence }';
    await writeFile(backend, `${lines}\nconst [fn, arg] = process.argv.slice(2);\nconsole.log(JSON.stringify(await (${functions})[fn](arg)));\n`);
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('looks a verification up through its timeline, and checks its evidence against the JWKS', async () => {
    const email = 'ali-buyer@example.com';
    const { requestId, code } = await request(email, 'order-lookup-1');
    await eventually('otp.requested', () => receiver.of('otp.requested', email).length === 1);
    expect(receiver.of('otp.requested', email)[0]!.data).toMatchObject({ requestId, resends: 0, transaction: { intentId: 'order-lookup-1' } });

    const pending = await call('lookUp', 'order-lookup-1');
    expect(pending).toMatchObject({ requestId, status: 'PENDING', attemptsUsed: 0, attemptsAllowed: 5, evidence: null });
    expect(pending.timeline.map((t: { step: string }) => t.step)).toEqual(['REQUESTED', 'EMAILED']);

    expect((await h.client.verifyOtp({ email, purpose: 'payment', requestId, otp: '000000' === code ? '000001' : '000000', paymentIntent: await makeIntent({ jti: 'order-lookup-1' }) })).status).toBe('MISMATCHED');
    expect((await h.client.verifyOtp({ email, purpose: 'payment', requestId, otp: code, paymentIntent: await makeIntent({ jti: 'order-lookup-1' }) })).status).toBe('VERIFIED');
    const verified = await call('lookUp', 'order-lookup-1');
    expect(verified).toMatchObject({ requestId, status: 'VERIFIED', attemptsUsed: 1 });
    expect(verified.timeline.map((t: { step: string }) => t.step)).toEqual(['REQUESTED', 'EMAILED', 'VERIFIED']);
    expect(JSON.stringify(verified)).not.toContain(code);

    // The evidence the API gives is the one otp.verified carried; it checks against the JWKS.
    await eventually('otp.verified', () => receiver.of('otp.verified', email).length === 1);
    expect(receiver.of('otp.verified', email)[0]!.data.evidence).toBe(verified.evidence);
    const { payload, key } = await call('checkEvidence', verified.evidence);
    expect(payload).toMatchObject({
      iss: 'otp-graphql',
      aud: 'kedai-ali',
      sub: requestId,
      requestId,
      email,
      transaction: { merchant: 'kedai-ali', intentId: 'order-lookup-1', amount: '149.90', currency: 'MYR', payee: 'Kedai Runcit Ali' },
      shown: { language: 'en', amount: 'MYR\u00a0149.90', payee: 'Kedai Runcit Ali' },
      otp_channel: 'email',
    });
    // The sentence is the one in the email the payer read, word for word.
    const [mail] = await h.sendgrid.waitForEmails(1, email);
    expect(mail!.text).toContain(payload.shown.sentence);
    expect(payload.shown.sentence).toContain('MYR\u00a0149.90 to Kedai Runcit Ali.');
    expect(key).toMatchObject({ kty: 'OKP', crv: 'Ed25519', kid: expect.any(String) });
    expect(new Date(payload.verifiedAt).getTime()).toBeGreaterThanOrEqual(new Date(payload.sentAt).getTime());
  });

  it('cancels a verification: the code then answers as dead, and otp.canceled arrives once', async () => {
    const email = 'ali-leaver@example.com';
    const { requestId, code } = await request(email, 'order-cancel-1');
    const first = await call('cancel', 'order-cancel-1');
    expect(first).toEqual({ canceled: true, verification: { status: 'CANCELED' } });
    const intent = await makeIntent({ jti: 'order-cancel-1' });
    expect((await h.client.verifyOtp({ email, purpose: 'payment', requestId, otp: code, paymentIntent: intent })).status).toBe('EXPIRED');
    expect((await h.client.resendOtp({ email, requestId })).status).toBe('EXPIRED');
    // Canceling again changes nothing, and writes no second event.
    expect(await call('cancel', 'order-cancel-1')).toEqual({ canceled: false, verification: { status: 'CANCELED' } });
    await eventually('otp.canceled', () => receiver.of('otp.canceled', email).length === 1);
    await new Promise((r) => setTimeout(r, 500));
    expect(receiver.of('otp.canceled', email)).toHaveLength(1);
    expect(receiver.of('otp.canceled', email)[0]!.data).toMatchObject({ requestId, transaction: { intentId: 'order-cancel-1' } });
    // A canceled code neither expires later nor verifies.
    expect(receiver.of('otp.verified', email)).toHaveLength(0);
    const looked = await call('lookUp', 'order-cancel-1');
    expect(looked.timeline.map((t: { step: string }) => t.step)).toContain('CANCELED');
  });

  it('hears otp.expired, once, when a payment code dies unused; never for one verified or canceled', async () => {
    // Three codes that live 2 s: one left alone, one verified, one canceled.
    const [idle, used, dropped] = ['ali-idle@example.com', 'ali-quick@example.com', 'ali-gone@example.com'];
    const { requestId } = await request(idle, 'order-idle-1', 'quickpay');
    const quick = await request(used, 'order-quick-1', 'quickpay');
    await request(dropped, 'order-gone-1', 'quickpay');
    expect((await h.client.verifyOtp({ email: used, purpose: 'quickpay', requestId: quick.requestId, otp: quick.code, paymentIntent: await makeIntent({ jti: 'order-quick-1' }) })).status).toBe('VERIFIED');
    expect((await call('cancel', 'order-gone-1')).canceled).toBe(true);
    await eventually('otp.expired', () => receiver.of('otp.expired', idle).length === 1, 20_000);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(receiver.of('otp.expired', idle)).toHaveLength(1);
    expect(receiver.of('otp.expired', idle)[0]!.data).toMatchObject({ requestId, purpose: 'quickpay', transaction: { intentId: 'order-idle-1' } });
    expect(receiver.of('otp.expired', used)).toHaveLength(0);
    expect(receiver.of('otp.expired', dropped)).toHaveLength(0);
    expect((await call('lookUp', 'order-idle-1')).status).toBe('EXPIRED');
    expect((await call('lookUp', 'order-quick-1')).status).toBe('VERIFIED');
  });

  it('replays a webhook by its id: it arrives again, under the same id', async () => {
    const [event] = receiver.of('otp.verified', 'ali-buyer@example.com');
    expect(event).toBeDefined();
    expect(await call('replay', event!.id)).toEqual({ replayWebhook: true });
    await eventually('the replay', () => receiver.accepted.filter((e) => e.id === event!.id).length === 2);
    const again = receiver.accepted.filter((e) => e.id === event!.id);
    expect(again[1]!.body).toBe(again[0]!.body);
  });
});

// The webhook tools for setting up a receiver: the merchant API's sendTestWebhook (through the
// outbox, signed like every event, replayable only by its merchant) and `npm run webhook:test`
// (the compiled script: one signed otp.test straight to WEBHOOK_URL, and what the receiver
// answered), both heard by a real receiver that checks signatures with the standardwebhooks library.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { writeMerchantsFile } from '../support/intents.js';
import { callToken, merchantCall } from '../support/merchant-api.js';
import { WebhookReceiver } from '../support/webhook-receiver.js';
import { eventually } from '../support/ws-client.js';

const run = promisify(execFile);
const SECRET = `whsec_${randomBytes(32).toString('base64')}`;
const SCRIPT = new URL('../../dist/scripts/webhook-test.js', import.meta.url).pathname;

describe('webhook tools', () => {
  const receiver = new WebhookReceiver(SECRET);
  let url: string;
  let h: Harness;
  let dir: string;
  /** The script as an operator runs it: the service's settings in the environment, no .env here. */
  const script = (env: Record<string, string>) =>
    run(process.execPath, [SCRIPT], { cwd: dir, env: { PATH: process.env.PATH ?? '', ...env }, timeout: 20_000 }).then(
      ({ stdout }) => ({ code: 0, out: stdout }),
      (error: { code: number; stderr: string }) => ({ code: error.code, out: error.stderr }),
    );

  beforeAll(async () => {
    url = await receiver.start();
    h = await startHarness({ MERCHANTS_FILE: await writeMerchantsFile(), WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET, WEBHOOK_POLL_MS: '100' });
    dir = await mkdtemp(join(tmpdir(), 'webhook-test-'));
  });
  afterAll(async () => {
    await h.close();
    await receiver.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('sendTestWebhook: a signed otp.test reaches the receiver; only its merchant may replay it', async () => {
    const sent = await merchantCall(h.url, 'mutation { sendTestWebhook }', {}, `Bearer ${await callToken()}`);
    const id = sent.data?.sendTestWebhook as string;
    expect(id).toMatch(/^msg_[0-9a-f]{32}$/);
    await eventually('otp.test', () => receiver.accepted.some((e) => e.id === id));
    expect(receiver.accepted.find((e) => e.id === id)).toMatchObject({ type: 'otp.test', data: { merchant: 'kedai-ali' } });
    const replay = async (merchant: 'kedai' | 'toko') => merchantCall(h.url, 'mutation R($id: ID!) { replayWebhook(id: $id) }', { id }, `Bearer ${await callToken({ merchant })}`);
    expect((await replay('toko')).errors?.[0]?.extensions?.code).toBe('NOT_FOUND');
    expect((await replay('kedai')).data).toEqual({ replayWebhook: true });
    await eventually('the replay', () => receiver.accepted.filter((e) => e.id === id).length === 2);
  });

  it('npm run webhook:test sends one signed otp.test to WEBHOOK_URL and says what the receiver answered', async () => {
    const before = receiver.accepted.length;
    const ok = await script({ WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET });
    expect(ok.code).toBe(0);
    expect(ok.out).toMatch(/took otp\.test msg_[0-9a-f]{32} \(answered 204\)/);
    expect(receiver.accepted.slice(before).map((e) => e.type)).toEqual(['otp.test']);

    receiver.down = true;
    try {
      const refused = await script({ WEBHOOK_URL: url, WEBHOOK_SECRET: SECRET });
      expect(refused).toMatchObject({ code: 1 });
      expect(refused.out).toMatch(/did not take otp\.test .*: the receiver answered 503/);
    } finally {
      receiver.down = false;
    }
    // Another secret: the receiver's library refuses the signature.
    const forged = await script({ WEBHOOK_URL: url, WEBHOOK_SECRET: `whsec_${randomBytes(32).toString('base64')}` });
    expect(forged.code).toBe(1);
    expect(forged.out).toMatch(/answered 400/);
    const none = await script({});
    expect(none).toMatchObject({ code: 1 });
    expect(none.out).toMatch(/WEBHOOK_URL and WEBHOOK_SECRET are not set/);
  });
});

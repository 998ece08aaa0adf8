// MERCHANTS_FILE is read again on SIGHUP, in the running service (a real process): a merchant
// added to the file takes intents without a restart; a bad file is refused whole, logged in one
// line, and the merchants read before stay in force.
import { readFile, rm, writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { TEST_SECRET } from '../support/harness.js';
import { makeIntent, writeMerchantsFile } from '../support/intents.js';
import { serve, stopService, waitForLine, type ServiceProcess } from '../support/service-process.js';
import { describeOnTier, mongoTier } from '../support/stores.js';

describeOnTier(mongoTier, 'MERCHANTS_FILE, read again on SIGHUP', () => {
  let service: ServiceProcess & { url: string };
  let path: string;
  let both: { merchants: { id: string }[] };

  beforeAll(async () => {
    path = await writeMerchantsFile();
    both = JSON.parse(await readFile(path, 'utf8')) as typeof both;
    // At start: kedai-ali alone.
    await writeFile(path, JSON.stringify({ merchants: both.merchants.filter((m) => m.id === 'kedai-ali') }));
    service = await serve({ MERCHANTS_FILE: path, OTP_SECRET: TEST_SECRET, NODE_ENV: 'test', OTP_RESEND_COOLDOWN_SECONDS: '0' });
  }, 60_000);
  afterAll(async () => {
    if (service) await stopService(service);
    await rm(path, { force: true });
  });

  let n = 0;
  const pay = async (merchant: 'kedai' | 'toko') => {
    const email = `reload${++n}-${Date.now()}@example.com`;
    const query = 'mutation Pay($input: RequestOtpInput!) { requestOtp(input: $input) { status } }';
    const input = { email, purpose: 'payment', paymentIntent: await makeIntent({ merchant, email }) };
    const res = await fetch(service.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query, variables: { input } }) });
    const body = (await res.json()) as { data?: { requestOtp: { status: string } }; errors?: { message: string }[] };
    return body.data?.requestOtp.status ?? body.errors![0]!.message;
  };
  const linesMatching = (pattern: RegExp) => service.lines.filter((l) => pattern.test(l));

  it('takes a merchant added to the file after SIGHUP, without a restart', { timeout: 30_000 }, async () => {
    expect(await pay('kedai')).toBe('SENT');
    expect(await pay('toko')).toMatch(/names no merchant this service knows/);
    await writeFile(path, JSON.stringify(both));
    service.child.kill('SIGHUP');
    await waitForLine(service.lines, /MERCHANTS_FILE read again \(SIGHUP\)/, 10_000);
    expect(JSON.parse(linesMatching(/MERCHANTS_FILE read again/)[0]!)).toMatchObject({ merchants: 2 });
    expect(await pay('toko')).toBe('SENT');
    expect(await pay('kedai')).toBe('SENT');
  });

  it('keeps the merchants in force when the file is bad, and says why in one line', { timeout: 30_000 }, async () => {
    await writeFile(path, JSON.stringify({ merchants: [{ id: 'toko-abu', displayName: 'Toko', keys: [] }] }));
    service.child.kill('SIGHUP');
    const line = JSON.parse(await waitForLine(service.lines, /MERCHANTS_FILE not read again/, 10_000)) as { level: number; msg: string };
    expect(line.level).toBe(50);
    expect(line.msg).toMatch(/^MERCHANTS_FILE not read again: merchant "toko-abu": keys: .*; the merchants read before stay in force$/);
    expect(linesMatching(/MERCHANTS_FILE not read again/)).toHaveLength(1);
    // Both merchants still take intents; the service still serves.
    expect(await pay('toko')).toBe('SENT');
    expect(await pay('kedai')).toBe('SENT');
    expect(service.child.exitCode).toBeNull();
  });
});

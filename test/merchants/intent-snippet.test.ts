// The README's merchant-backend lines, run exactly as written: given the merchant's private
// key in MERCHANT_PRIVATE_KEY, an `orderId` and the shopper's email, they make a payment
// intent; the service (with a merchants file holding the public key) takes it and emails the
// merchant's display name as the payee.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../support/harness.js';
import { KEDAI, writeMerchantsFile } from '../support/intents.js';

const run = promisify(execFile);
const ROOT = new URL('../../', import.meta.url);

/** The lines between the README's payment-intent marker and the end of the code block after it. */
async function readmeLines(): Promise<string> {
  const readme = await readFile(new URL('docs/merchant-backend.md', ROOT), 'utf8');
  const block = /```js\n([\s\S]*?)```/.exec(readme.split('<!-- payment-intent:')[1] ?? '');
  if (!block) throw new Error('the README has no payment-intent block');
  return block[1]!;
}

describe("the README's merchant backend lines", () => {
  let h: Harness;
  let dir: string;
  beforeAll(async () => {
    h = await startHarness({ MERCHANTS_FILE: await writeMerchantsFile() });
    // Inside the project, so that `jose` resolves as it does in a backend that installed it.
    dir = await mkdtemp(join(new URL('.', ROOT).pathname, '.intent-snippet-'));
  });
  afterAll(async () => {
    await h.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('make an intent the service takes, with the amount and payee the merchant set', async () => {
    const lines = await readmeLines();
    const file = join(dir, 'intent.mjs');
    const shopperEmail = 'shopper@example.com';
    await writeFile(file, `const orderId = 'order-20261202-0042';\nconst shopperEmail = ${JSON.stringify(shopperEmail)};\n${lines}\nconsole.log(paymentIntent);\n`);
    const env = { ...process.env, MERCHANT_PRIVATE_KEY: KEDAI.current.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString() };
    const paymentIntent = (await run(process.execPath, [file], { cwd: dir, env, timeout: 20_000 })).stdout.trim();
    expect(paymentIntent.split('.')).toHaveLength(3);

    const sent = await h.client.requestOtp({ email: shopperEmail, purpose: 'payment', paymentIntent });
    expect(sent.status).toBe('SENT');
    const [mail] = await h.sendgrid.waitForEmails(1, shopperEmail);
    expect(mail!.text).toContain('MYR\u00a0149.90 to Kedai Runcit Ali.');
    // Bound to the shopper's address: another cannot use it.
    await expect(h.client.requestOtp({ email: 'other@example.com', purpose: 'payment', paymentIntent })).rejects.toMatchObject({ field: 'paymentIntent' });
  });
});

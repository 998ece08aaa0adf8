// The merchants file, as the operator writes it: checked whole at start-up, a bad one refused
// in one line naming the merchant and the field; the demo merchant only outside production.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { displayNameProblem } from '../../src/merchants/display-name.js';
import { TEST_SECRET } from '../support/harness.js';
import { writeMerchantsFile } from '../support/intents.js';
const publicKey = generateKeyPairSync('ed25519').publicKey.export({ type: 'spki', format: 'pem' }).toString();
const good = { id: 'kedai-ali', displayName: 'Kedai Runcit Ali', keys: [{ kid: 'k1', alg: 'EdDSA', publicKey }] };
async function fileWith(content) {
    const path = join(tmpdir(), `merchants-${randomUUID()}.json`);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return path;
}
/** The one problem loading `content` gives. */
async function problemWith(content) {
    try {
        loadConfig({ NODE_ENV: 'test', OTP_SECRET: TEST_SECRET, MERCHANTS_FILE: await fileWith(content) });
    }
    catch (error) {
        if (error instanceof ConfigError)
            return error.problems;
        throw error;
    }
    return [];
}
describe('the merchants file', () => {
    it('loads merchants with one key or two (rotation), EdDSA and HS256', async () => {
        const config = loadConfig({ NODE_ENV: 'test', OTP_SECRET: TEST_SECRET, MERCHANTS_FILE: await writeMerchantsFile() });
        expect([...config.merchants.keys()]).toEqual(['kedai-ali', 'toko-abu']);
        expect(config.merchants.get('kedai-ali')).toMatchObject({ displayName: 'Kedai Runcit Ali', keys: [{ kid: '2026-12', alg: 'EdDSA' }, { kid: '2026-06', alg: 'EdDSA' }] });
        expect(config.merchants.get('toko-abu').keys[0]).toMatchObject({ kid: 'k1', alg: 'HS256' });
        expect(config.merchants.has('demo-shop')).toBe(false);
    });
    it.each([
        ['a URL in the display name', { ...good, displayName: 'Call +60 3-1234 5678 or visit http://refund-bank.my now' }, 'MERCHANTS_FILE: merchant "kedai-ali": displayName: must not contain a URL or a domain name'],
        ['a domain name', { ...good, displayName: 'refund-bank.my' }, 'MERCHANTS_FILE: merchant "kedai-ali": displayName: must not contain a URL or a domain name'],
        ['braces SendGrid would substitute', { ...good, displayName: 'Shop {{otp}}' }, 'MERCHANTS_FILE: merchant "kedai-ali": displayName: must not contain { } < or >'],
        ['a phone number', { ...good, displayName: 'Shop 03-1234 5678' }, 'MERCHANTS_FILE: merchant "kedai-ali": displayName: must not contain a phone number'],
        ['a zero-width space', { ...good, displayName: 'Shop\u200bA' }, 'MERCHANTS_FILE: merchant "kedai-ali": displayName: must be printable (no control, zero-width or bidirectional characters)'],
        ['71 characters', { ...good, displayName: 'a'.repeat(71) }, 'MERCHANTS_FILE: merchant "kedai-ali": displayName: must be 1 to 70 characters, without leading or trailing spaces'],
        ['three keys', { ...good, keys: [good.keys[0], { ...good.keys[0], kid: 'k2' }, { ...good.keys[0], kid: 'k3' }] }, 'MERCHANTS_FILE: merchant "kedai-ali": keys: must list one key, or two while rotating'],
        ['no key', { ...good, keys: [] }, 'MERCHANTS_FILE: merchant "kedai-ali": keys: must list one key, or two while rotating'],
        ['a short HS256 secret', { ...good, keys: [{ kid: 'h', alg: 'HS256', secret: randomBytes(16).toString('base64url') }] }, 'MERCHANTS_FILE: merchant "kedai-ali": keys.h.secret: must be the base64url of at least 32 random bytes'],
        ['an RSA key', { ...good, keys: [{ kid: 'r', alg: 'EdDSA', publicKey: generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }) }] }, 'MERCHANTS_FILE: merchant "kedai-ali": keys.r.publicKey: must be an Ed25519 public key in PEM (SPKI)'],
        ['another algorithm', { ...good, keys: [{ kid: 'n', alg: 'none' }] }, 'MERCHANTS_FILE: merchant "kedai-ali": keys.0.alg: alg must be EdDSA or HS256'],
        ['a bad id', { ...good, id: 'Kedai Ali' }, 'MERCHANTS_FILE: merchant "Kedai Ali": id: must be 1 to 64 of a-z 0-9 _ . - (starting with a letter or digit)'],
        ['an unknown field', { ...good, payee: 'x' }, 'MERCHANTS_FILE: merchant "kedai-ali": Unrecognized key: "payee"'],
    ])('refuses %s in one line naming the merchant and the field', async (_name, merchant, line) => {
        expect(await problemWith({ merchants: [merchant] })).toEqual([line]);
    });
    it('refuses a file that is not JSON, one without merchants, and a merchant listed twice', async () => {
        expect((await problemWith('{ not json'))[0]).toMatch(/^MERCHANTS_FILE: cannot be read as JSON/);
        expect(await problemWith({ merchants: [] })).toEqual(['MERCHANTS_FILE: merchants: must list at least one merchant']);
        expect(await problemWith({ merchants: [good, good] })).toEqual(['MERCHANTS_FILE: merchant "kedai-ali": id: is listed twice']);
        const missing = join(tmpdir(), `absent-${randomUUID()}.json`);
        expect(() => loadConfig({ NODE_ENV: 'test', OTP_SECRET: TEST_SECRET, MERCHANTS_FILE: missing })).toThrow(/MERCHANTS_FILE: cannot be read as JSON \(ENOENT\)/);
    });
    it('has the demo merchant in development and tests without a file, and none in production', () => {
        expect(loadConfig({}).merchants.get('demo-shop')).toMatchObject({ displayName: 'Demo Shop' });
        expect(loadConfig({ NODE_ENV: 'test', OTP_SECRET: TEST_SECRET }).merchants.has('demo-shop')).toBe(true);
    });
});
describe('display names', () => {
    it.each(['Kedai Runcit Ali', 'Kedai Runcit Ali Sdn. Bhd.', 'A.B. Trading', '商店', 'Café Latté'])('takes %s', (name) => {
        expect(displayNameProblem(name)).toBeNull();
    });
    it.each(['www.shop', 'Shop.com', 'https://x', ' Shop', 'Shop\u202eA', '<b>Shop</b>', '+60 12-345 6789'])('refuses %s', (name) => {
        expect(displayNameProblem(name)).not.toBeNull();
    });
});
//# sourceMappingURL=merchants-file.test.js.map
// Payment intents as merchants' backends make them (jose's SignJWT), and a merchants file with
// keys made for the test: what a test needs to stand in for a merchant.
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { DEMO_MERCHANT_SECRET } from '../../src/merchants/merchants.file.js';
/** Ed25519 merchant, named in the merchants file with two keys (rotation). */
export const KEDAI = { id: 'kedai-ali', displayName: 'Kedai Runcit Ali', ...edKeys() };
/** HS256 merchant. */
export const TOKO = { id: 'toko-abu', displayName: 'Toko Abu Sdn. Bhd.', secret: randomBytes(32) };
function edKeys() {
    const current = generateKeyPairSync('ed25519');
    const previous = generateKeyPairSync('ed25519');
    return { current, previous };
}
const pem = (key) => key.export({ type: 'spki', format: 'pem' }).toString();
/** Writes a merchants file for KEDAI and TOKO (and any extra entries) and returns its path. */
export async function writeMerchantsFile(extra = []) {
    const path = join(tmpdir(), `merchants-${randomUUID()}.json`);
    await writeFile(path, JSON.stringify({
        merchants: [
            {
                id: KEDAI.id,
                displayName: KEDAI.displayName,
                keys: [
                    { kid: '2026-12', alg: 'EdDSA', publicKey: pem(KEDAI.current.publicKey) },
                    { kid: '2026-06', alg: 'EdDSA', publicKey: pem(KEDAI.previous.publicKey) },
                ],
            },
            { id: TOKO.id, displayName: TOKO.displayName, keys: [{ kid: 'k1', alg: 'HS256', secret: TOKO.secret.toString('base64url') }] },
            ...extra,
        ],
    }));
    return path;
}
/** A payment intent signed as the merchant's backend signs one. */
export async function makeIntent(o = {}) {
    const merchant = o.merchant ?? 'kedai';
    const now = Math.floor(Date.now() / 1000) - (o.issuedAgo ?? 0);
    const keyName = o.key ?? (merchant === 'kedai' ? 'kedai' : merchant);
    const signing = keyName === 'kedai' ? { alg: 'EdDSA', kid: '2026-12', key: KEDAI.current.privateKey }
        : keyName === 'kedai-previous' ? { alg: 'EdDSA', kid: '2026-06', key: KEDAI.previous.privateKey }
            : keyName === 'toko' ? { alg: 'HS256', kid: 'k1', key: new Uint8Array(TOKO.secret) }
                : { alg: 'HS256', kid: 'demo', key: new TextEncoder().encode(DEMO_MERCHANT_SECRET) };
    const claims = { amount: o.amount ?? '149.90', currency: o.currency ?? 'MYR' };
    if (o.email)
        claims.email = o.email;
    return new SignJWT(claims)
        .setProtectedHeader({ alg: signing.alg, kid: o.kid ?? signing.kid })
        .setIssuer(o.iss ?? (merchant === 'kedai' ? KEDAI.id : merchant === 'toko' ? TOKO.id : 'demo-shop'))
        .setAudience(o.audience ?? 'otp-graphql')
        .setJti(o.jti ?? `order-${randomUUID()}`)
        .setIssuedAt(now)
        .setExpirationTime(now + (o.expiresIn ?? 600))
        .sign(signing.key);
}
//# sourceMappingURL=intents.js.map
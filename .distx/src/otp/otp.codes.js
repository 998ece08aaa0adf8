// Everything cryptographic about a code: how it is drawn, how it is stored for checking,
// and how it is sealed for the one trip to the mailer. All of it from node:crypto.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes, randomInt, timingSafeEqual, } from 'node:crypto';
import { transactionBinding } from './transaction.js';
/** A code of `length` decimal digits from the CSPRNG, leading zeros kept. */
export function generateCode(length) {
    // randomInt is uniform over [0, 10^length): no modulo bias. 10^10 is below its 2^48 limit.
    return randomInt(0, 10 ** length).toString().padStart(length, '0');
}
export class CodeHasher {
    hmacKey;
    sealKey;
    constructor(secret) {
        // Two keys derived from one secret, so the stored hash and the sealed copy never share a key.
        const ikm = Buffer.from(secret, 'utf8');
        this.hmacKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'otp-graphql/v1/hmac', 32));
        this.sealKey = Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), 'otp-graphql/v1/seal', 32));
    }
    /**
     * HMAC-SHA256 of the code bound to its address, purpose and, for a payment, its transaction:
     * a stored hash is useless for another (email, purpose) or another amount or payee, and
     * without the secret a 6-digit space cannot be searched offline.
     */
    hash(email, purpose, code, transaction = null) {
        const bound = transaction ? `\u0000${transactionBinding(transaction)}` : '';
        return createHmac('sha256', this.hmacKey)
            .update(`${email}\u0000${purpose}\u0000${code}${bound}`, 'utf8')
            .digest('base64url');
    }
    /** Constant-time comparison of a candidate code with a stored hash. */
    matches(email, purpose, code, storedHash) {
        const candidate = Buffer.from(this.hash(email, purpose, code), 'base64url');
        const stored = Buffer.from(storedHash, 'base64url');
        return candidate.length === stored.length && timingSafeEqual(candidate, stored);
    }
    /**
     * Seals the code (AES-256-GCM) for the dispatcher, which runs from the store's insert feed
     * and may be another replica or a later restart. The sealed copy is erased once the email is
     * sent or has failed for good; the hash is all that is kept for checking.
     */
    seal(code, recordId) {
        const iv = randomBytes(12);
        const cipher = createCipheriv('aes-256-gcm', this.sealKey, iv);
        cipher.setAAD(Buffer.from(recordId, 'utf8'));
        const body = Buffer.concat([cipher.update(code, 'utf8'), cipher.final()]);
        return Buffer.concat([iv, cipher.getAuthTag(), body]).toString('base64url');
    }
    /** Opens a sealed code; throws if it was tampered with or sealed for another record. */
    unseal(sealed, recordId) {
        const raw = Buffer.from(sealed, 'base64url');
        const decipher = createDecipheriv('aes-256-gcm', this.sealKey, raw.subarray(0, 12));
        decipher.setAAD(Buffer.from(recordId, 'utf8'));
        decipher.setAuthTag(raw.subarray(12, 28));
        return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString('utf8');
    }
}
//# sourceMappingURL=otp.codes.js.map
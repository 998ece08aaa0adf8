import { type Transaction } from './transaction.js';
/** A code of `length` decimal digits from the CSPRNG, leading zeros kept. */
export declare function generateCode(length: number): string;
export declare class CodeHasher {
    private readonly hmacKey;
    private readonly sealKey;
    constructor(secret: string);
    /**
     * HMAC-SHA256 of the code bound to its address, purpose and, for a payment, its transaction:
     * a stored hash is useless for another (email, purpose) or another amount or payee, and
     * without the secret a 6-digit space cannot be searched offline.
     */
    hash(email: string, purpose: string, code: string, transaction?: Transaction | null): string;
    /** Constant-time comparison of a candidate code with a stored hash. */
    matches(email: string, purpose: string, code: string, storedHash: string): boolean;
    /**
     * Seals the code (AES-256-GCM) for the dispatcher, which runs from the store's insert feed
     * and may be another replica or a later restart. The sealed copy is erased once the email is
     * sent or has failed for good; the hash is all that is kept for checking.
     */
    seal(code: string, recordId: string): string;
    /** Opens a sealed code; throws if it was tampered with or sealed for another record. */
    unseal(sealed: string, recordId: string): string;
}

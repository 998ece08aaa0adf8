// schema/schema.graphql is what clients generate from: it must be exactly what the code builds.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printOtpSchema } from '../../src/graphql/schema.js';
describe('schema/schema.graphql', () => {
    it('matches the schema the code builds (run `npm run schema` after changing types)', async () => {
        const committed = await readFile(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
        expect(await printOtpSchema()).toBe(committed);
    });
    it('keeps the contract names', async () => {
        const sdl = await printOtpSchema();
        for (const piece of [
            'enum OtpStatus {\n  SENT\n  VERIFIED\n  MISMATCHED\n  EXPIRED\n  NOT_FOUND\n  TOO_MANY_ATTEMPTS\n  RATE_LIMITED\n}',
            'requestOtp(input: RequestOtpInput!): RequestOtpPayload!',
            'verifyOtp(input: VerifyOtpInput!): VerifyOtpPayload!',
            // An argument with no default: clients that call otpPolicy without one are unaffected.
            'otpPolicy(purpose: String): OtpPolicy!',
            'expiresAt: DateTimeISO',
            'resendOtp(input: ResendOtpInput!): ResendOtpPayload!',
            // Codes bound to their request.
            'requestId: ID!',
            // Payments: an intent the merchant's backend signed, and nothing a browser could fill in.
            'paymentIntent: String\n',
            'locale: String\n',
            'reference: String\n',
        ]) {
            expect(sdl).toContain(piece);
        }
        // The browser-given transaction is gone for good: a payee could be any text.
        expect(sdl).not.toContain('input TransactionInput');
        expect(sdl).not.toMatch(/payee: String/);
    });
});
//# sourceMappingURL=schema.test.js.map
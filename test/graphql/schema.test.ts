// schema/schema.graphql is what clients generate from: it must be exactly what the code builds.
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { printOtpSchema } from '../../src/graphql/schema.js';
import { printMerchantSchema } from '../../src/merchant-api/merchant-api.schema.js';

describe('schema/schema.graphql', () => {
  it('matches the schema the code builds (run `npm run schema` after changing types)', async () => {
    const committed = await readFile(new URL('../../schema/schema.graphql', import.meta.url), 'utf8');
    expect(await printOtpSchema()).toBe(committed);
  });

  it('stays the browsers\' schema: nothing of the merchant API is in it', async () => {
    const sdl = await printOtpSchema();
    for (const name of ['cancelVerification', 'replayWebhook', 'VerificationStatus', 'evidence']) expect(sdl).not.toContain(name);
  });

  it('schema/merchant.graphql matches the merchant API the code builds (run `npm run schema`)', async () => {
    const committed = await readFile(new URL('../../schema/merchant.graphql', import.meta.url), 'utf8');
    expect(await printMerchantSchema()).toBe(committed);
    for (const piece of ['verification(intentId: String, requestId: ID): Verification', 'cancelVerification(intentId: String, requestId: ID): CancelVerificationPayload!', 'replayWebhook(id: ID!): Boolean!', 'sendTestWebhook: ID!']) {
      expect(committed).toContain(piece);
    }
    for (const name of ['requestOtp(', 'verifyOtp(', 'OtpStatus']) expect(committed).not.toContain(name);
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

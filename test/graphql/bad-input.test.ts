// Malformed input is a GraphQL error with extensions.code = BAD_USER_INPUT naming the field,
// never a 5xx; and it leaves no record and sends no email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { OtpStore } from '../../src/store/otp.store.js';
import { REQUEST_OTP, RESEND_OTP, startHarness, VERIFY_OTP, type Harness } from '../support/harness.js';
import { mongoTier, storedDocuments } from '../support/stores.js';

const ok = 'someone@example.com';
const rid = '0b6f5c1e-4e1a-4f63-9a1d-7c2b8e5d3a90';
const long = (n: number) => `${'a'.repeat(n - '@example.com'.length)}@example.com`;

const cases: { name: string; query: string; input: Record<string, unknown>; field: string }[] = [
  { name: 'email not an address', query: REQUEST_OTP, input: { email: 'not-an-email' }, field: 'email' },
  { name: 'email empty', query: REQUEST_OTP, input: { email: '' }, field: 'email' },
  { name: 'email with a space inside', query: REQUEST_OTP, input: { email: 'some one@example.com' }, field: 'email' },
  { name: 'email without a dot in the domain', query: REQUEST_OTP, input: { email: 'a@localhost' }, field: 'email' },
  { name: 'email over 254 characters', query: REQUEST_OTP, input: { email: long(255) }, field: 'email' },
  { name: 'email with a display name', query: REQUEST_OTP, input: { email: 'Eve <eve@example.com>' }, field: 'email' },
  { name: 'purpose too long', query: REQUEST_OTP, input: { email: ok, purpose: 'p'.repeat(65) }, field: 'purpose' },
  { name: 'purpose with spaces', query: REQUEST_OTP, input: { email: ok, purpose: 'pay now' }, field: 'purpose' },
  { name: 'purpose empty', query: REQUEST_OTP, input: { email: ok, purpose: '' }, field: 'purpose' },
  { name: 'otp with a letter', query: VERIFY_OTP, input: { requestId: rid, email: ok, otp: '12a456' }, field: 'otp' },
  { name: 'otp too short', query: VERIFY_OTP, input: { requestId: rid, email: ok, otp: '12345' }, field: 'otp' },
  { name: 'otp too long', query: VERIFY_OTP, input: { requestId: rid, email: ok, otp: '1234567' }, field: 'otp' },
  { name: 'otp far too long', query: VERIFY_OTP, input: { requestId: rid, email: ok, otp: '9'.repeat(5000) }, field: 'otp' },
  { name: 'otp empty', query: VERIFY_OTP, input: { requestId: rid, email: ok, otp: '' }, field: 'otp' },
  { name: 'otp with spaces', query: VERIFY_OTP, input: { requestId: rid, email: ok, otp: ' 12345' }, field: 'otp' },
  { name: 'verify with a bad email', query: VERIFY_OTP, input: { requestId: rid, email: 'x@', otp: '123456' }, field: 'email' },
  { name: 'email of the wrong type', query: REQUEST_OTP, input: { email: 12345 }, field: 'email' },
  { name: 'email missing', query: REQUEST_OTP, input: {}, field: 'email' },
  // Addresses validator.isEmail takes and SendGrid refuses (one would fail a whole provider call).
  { name: 'email with a quoted local part', query: REQUEST_OTP, input: { email: '"a b"@example.com' }, field: 'email' },
  { name: 'email with a non-ASCII local part', query: REQUEST_OTP, input: { email: 'jürgen@example.com' }, field: 'email' },
  { name: 'email with a trailing zero-width space', query: REQUEST_OTP, input: { email: 'zw@example.com\u200b' }, field: 'email' },
  { name: 'email with a zero-width joiner inside', query: REQUEST_OTP, input: { email: 'z\u200dw@example.com' }, field: 'email' },
  { name: 'email with a control character', query: REQUEST_OTP, input: { email: 'ctl\u0007@example.com' }, field: 'email' },
  { name: 'email with a domain that cannot be encoded', query: REQUEST_OTP, input: { email: 'x@exa mple.com' }, field: 'email' },
  { name: 'otp null', query: VERIFY_OTP, input: { requestId: rid, email: ok, otp: null }, field: 'otp' },
  { name: 'otp as a number', query: VERIFY_OTP, input: { requestId: rid, email: ok, otp: 493817 }, field: 'otp' },
  { name: 'otp as a number with leading digits kept', query: VERIFY_OTP, input: { requestId: rid, email: ok, otp: 104729 }, field: 'otp' },
  { name: 'verify without a requestId', query: VERIFY_OTP, input: { email: ok, otp: '123456' }, field: 'requestId' },
  { name: 'verify with a requestId that is not one', query: VERIFY_OTP, input: { email: ok, requestId: 'not-a-request-id', otp: '123456' }, field: 'requestId' },
  { name: 'verify with an upper-case requestId', query: VERIFY_OTP, input: { email: ok, requestId: rid.toUpperCase(), otp: '123456' }, field: 'requestId' },
  { name: 'verify with a requestId as a number', query: VERIFY_OTP, input: { email: ok, requestId: 12345, otp: '123456' }, field: 'requestId' },
  { name: 'resend without a requestId', query: RESEND_OTP, input: { email: ok }, field: 'requestId' },
  { name: 'resend with a requestId that is not one', query: RESEND_OTP, input: { email: ok, requestId: 'x'.repeat(300) }, field: 'requestId' },
  { name: 'resend with a bad email', query: RESEND_OTP, input: { email: 'x@', requestId: rid }, field: 'email' },
  { name: 'purpose of the wrong type', query: REQUEST_OTP, input: { email: ok, purpose: 777123 }, field: 'purpose' },
  { name: 'a field the input does not have', query: REQUEST_OTP, input: { email: ok, code: '555123' }, field: 'code' },
  // Payments: only a payment intent the merchant's backend signed; no browser-given transaction.
  { name: 'a payment code without a payment intent', query: REQUEST_OTP, input: { email: ok, purpose: 'payment' }, field: 'paymentIntent' },
  { name: 'a payment intent that is not one', query: REQUEST_OTP, input: { email: ok, purpose: 'payment', paymentIntent: 'eyJhbGciOiJub25lIn0.e30.' }, field: 'paymentIntent' },
  { name: 'a payment intent of 5,000 characters', query: REQUEST_OTP, input: { email: ok, paymentIntent: 'a'.repeat(5000) }, field: 'paymentIntent' },
  { name: 'a payment intent as a number', query: REQUEST_OTP, input: { email: ok, paymentIntent: 1234567 }, field: 'paymentIntent' },
  { name: 'verify with a payment intent that is not one', query: VERIFY_OTP, input: { requestId: rid, email: ok, otp: '123456', paymentIntent: 'x.y.z' }, field: 'paymentIntent' },
  { name: 'a transaction from the browser', query: REQUEST_OTP, input: { email: ok, purpose: 'payment', transaction: { amount: '1.00', currency: 'MYR', payee: 'Call +60 3-1234 5678' } }, field: 'transaction' },
  { name: 'a locale that is not BCP 47', query: REQUEST_OTP, input: { email: ok, locale: 'en_US!' }, field: 'locale' },
  { name: 'a locale of 36 characters', query: REQUEST_OTP, input: { email: ok, locale: 'en-' + 'a'.repeat(33) }, field: 'locale' },
  { name: 'a locale as a number', query: REQUEST_OTP, input: { email: ok, locale: 12 }, field: 'locale' },
];

describe('bad input', () => {
  let h: Harness;
  let store: OtpStore;

  beforeAll(async () => {
    store = await mongoTier.create();
    h = await startHarness({}, { store });
  });
  afterAll(async () => {
    await h.close();
    await mongoTier.dispose(store);
  });

  it.each(cases)('$name → BAD_USER_INPUT naming $field, nothing stored or sent', async ({ query, input, field }) => {
    const res = await h.gql(query, { input });
    expect(res.status).toBeLessThan(500);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    const [error] = res.errors!;
    expect(error!.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error!.message).toContain(field);
    expect(error!.extensions?.field).toBe(field);
    // Never echo a rejected value back (it may be someone's code), whatever its type.
    const values = Object.values(input).flatMap((value) => (value && typeof value === 'object' ? Object.values(value) : [value]));
    for (const value of values) {
      if ((typeof value === 'string' || typeof value === 'number') && String(value).length > 2 && !field.includes(String(value))) expect(JSON.stringify(res)).not.toContain(String(value));
    }
    expect(JSON.stringify(res)).not.toContain('"target"');
    expect((await storedDocuments(store))).toBe(0);
  });

  it('stored nothing and emailed nothing for any of them', async () => {
    await h.app.dispatcher!.idle();
    expect((await storedDocuments(store))).toBe(0);
    expect(h.sendgrid.requests).toHaveLength(0);
  });

  it('answers a body that is not JSON with 400, not 500', async () => {
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"query": ' });
    expect(res.status).toBe(400);
  });

  it('answers a syntax error with 400', async () => {
    const res = await h.gql('mutation { requestOtp(input: { email: ');
    expect(res.status).toBe(400);
    expect(res.errors?.[0]?.extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});

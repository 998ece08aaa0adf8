// Malformed input is a GraphQL error with extensions.code = BAD_USER_INPUT naming the field,
// never a 5xx; and it leaves no record and sends no email.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemoryOtpStore } from '../../src/store/memory.store.js';
import { REQUEST_OTP, startHarness, VERIFY_OTP, type Harness } from '../support/harness.js';

const ok = 'someone@example.com';
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
  { name: 'otp with a letter', query: VERIFY_OTP, input: { email: ok, otp: '12a456' }, field: 'otp' },
  { name: 'otp too short', query: VERIFY_OTP, input: { email: ok, otp: '12345' }, field: 'otp' },
  { name: 'otp too long', query: VERIFY_OTP, input: { email: ok, otp: '1234567' }, field: 'otp' },
  { name: 'otp far too long', query: VERIFY_OTP, input: { email: ok, otp: '9'.repeat(5000) }, field: 'otp' },
  { name: 'otp empty', query: VERIFY_OTP, input: { email: ok, otp: '' }, field: 'otp' },
  { name: 'otp with spaces', query: VERIFY_OTP, input: { email: ok, otp: ' 12345' }, field: 'otp' },
  { name: 'verify with a bad email', query: VERIFY_OTP, input: { email: 'x@', otp: '123456' }, field: 'email' },
  { name: 'email of the wrong type', query: REQUEST_OTP, input: { email: 12345 }, field: 'email' },
  { name: 'email missing', query: REQUEST_OTP, input: {}, field: 'email' },
  { name: 'otp null', query: VERIFY_OTP, input: { email: ok, otp: null }, field: 'otp' },
  { name: 'otp as a number', query: VERIFY_OTP, input: { email: ok, otp: 493817 }, field: 'otp' },
  { name: 'otp as a number with leading digits kept', query: VERIFY_OTP, input: { email: ok, otp: 104729 }, field: 'otp' },
  { name: 'purpose of the wrong type', query: REQUEST_OTP, input: { email: ok, purpose: 777123 }, field: 'purpose' },
  { name: 'a field the input does not have', query: REQUEST_OTP, input: { email: ok, code: '555123' }, field: 'code' },
];

describe('bad input', () => {
  let h: Harness;
  const store = new MemoryOtpStore();

  beforeAll(async () => {
    h = await startHarness({}, { store });
  });
  afterAll(async () => h.close());

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
    for (const value of Object.values(input)) {
      if ((typeof value === 'string' || typeof value === 'number') && String(value).length > 2) expect(JSON.stringify(res)).not.toContain(String(value));
    }
    expect(JSON.stringify(res)).not.toContain('"target"');
    expect(store.size).toBe(0);
  });

  it('stored nothing and emailed nothing for any of them', async () => {
    await h.app.dispatcher!.idle();
    expect(store.size).toBe(0);
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

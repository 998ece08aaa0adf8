// Property-based tests: thousands of random inputs to both mutations, over HTTP, through
// variables (random strings, unicode, huge lengths, wrong types). Never a 5xx; invalid input is
// always BAD_USER_INPUT, never stores a record and never sends an email.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalLocale, isValidCode, isValidEmail, isValidPurpose, REQUEST_ID } from '../../src/otp/otp.input.js';
import type { OtpStore } from '../../src/store/otp.store.js';
import { startHarness, type Harness } from '../support/harness.js';
import { mongoTier, storedAddresses, storedDocuments } from '../support/stores.js';

const RUNS = 1500;
// A fixed seed keeps CI reproducible; FUZZ_SEED=<n> (or a random one) explores further.
const SEED = Number(process.env.FUZZ_SEED ?? 20261125);

const text = fc.oneof(
  fc.string(),
  fc.string({ unit: 'binary' }), // any code point, lone surrogates included
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ minLength: 250, maxLength: 6000 }),
);
const email = fc.oneof(fc.emailAddress(), text, fc.emailAddress().map((e) => ` ${e.toUpperCase()}\t`));
const wrongType = fc.oneof(fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 3 }), fc.object({ maxDepth: 2 }));
const purpose = fc.option(fc.oneof(fc.constantFrom('payment', 'login', 'a'.repeat(64)), text, wrongType), { nil: undefined });
// Payment intents from a browser that has none to give: JWT-shaped garbage, strings, wrong
// types. No such value is ever accepted (valid intents are tested in payment.flow.test.ts).
const jwtShaped = fc.tuple(fc.base64String(), fc.base64String(), fc.base64String()).map((parts) => parts.join('.'));
const paymentIntent = fc.option(fc.oneof(jwtShaped, text, wrongType), { nil: undefined });
const locale = fc.option(fc.oneof({ weight: 4, arbitrary: fc.constantFrom('en', 'ms-MY', 'zh-CN', 'zh-TW', 'fr', 'en_US') }, text, wrongType), { nil: undefined });
const otp = fc.oneof(fc.stringMatching(/^[0-9]{6}$/), fc.stringMatching(/^[0-9]{1,12}$/), text, wrongType);

// BAD_REQUEST: refused before GraphQL ran, e.g. a "__proto__" key, which Fastify's JSON
// parser rejects on purpose (prototype poisoning).
const REFUSED = ['BAD_USER_INPUT', 'BAD_REQUEST'];

// Request ids: mostly well-formed (unknown, so NOT_FOUND), else anything a caller might send.
const requestId = fc.oneof({ weight: 3, arbitrary: fc.uuid({ version: 4 }) }, { weight: 1, arbitrary: fc.oneof(fc.string(), fc.integer(), fc.constant(null)) });

const REQUEST = 'mutation($input: RequestOtpInput!) { requestOtp(input: $input) { status } }';
const VERIFY = 'mutation($input: VerifyOtpInput!) { verifyOtp(input: $input) { status } }';

describe('random input to both mutations', () => {
  let h: Harness;
  let store: OtpStore;

  beforeAll(async () => {
    store = await mongoTier.create();
    // Roomy limits (random addresses repeat): each request takes one attempt of an address's 1,000.
    h = await startHarness({ OTP_RESEND_COOLDOWN_SECONDS: '0', OTP_MAX_SENDS_PER_WINDOW: '100000', OTP_MAX_GUESSES_PER_WINDOW: '1000', OTP_MAX_ATTEMPTS: '1' }, { store });
  });
  afterAll(async () => {
    await h.close();
    await mongoTier.dispose(store);
  });

  it(`requestOtp: ${RUNS} inputs, no 5xx, invalid ones store and send nothing`, async () => {
    let sent = 0;
    const sendsBefore = h.sendgrid.emails.length;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof({ weight: 9, arbitrary: fc.record({ email: fc.oneof(email, wrongType), purpose, paymentIntent, locale }, { requiredKeys: [] }) }, { weight: 1, arbitrary: wrongType }),
        async (input) => {
        const before = (await storedDocuments(store));
        const res = await h.gql(REQUEST, { input });
        expect(res.status).toBeLessThan(500);
        // Judge what the server receives: JSON turns NaN and Infinity into null, drops undefined.
        const fields = JSON.parse(JSON.stringify(input ?? null)) as { email?: unknown; purpose?: unknown; paymentIntent?: unknown; locale?: unknown } | null;
        const valid =
          typeof fields === 'object' &&
          fields !== null &&
          !Array.isArray(fields) &&
          isValidEmail(fields.email) &&
          isValidPurpose(fields.purpose) &&
          (fields.paymentIntent === undefined || fields.paymentIntent === null) &&
          fields.purpose !== 'payment' &&
          validLocale(fields.locale);
        if (!valid) {
          expect(REFUSED).toContain(res.errors?.[0]?.extensions?.code);
          expect((await storedDocuments(store))).toBe(before);
        } else {
          expect(res.data?.requestOtp.status).toBe('SENT');
          sent += 1;
        }
        },
      ),
      { numRuns: RUNS, seed: SEED },
    );
    await h.app.dispatcher!.idle();
    await new Promise((r) => setTimeout(r, 100));
    await h.app.dispatcher!.idle();
    // One email per accepted request, none for the rest.
    expect(h.sendgrid.emails.length - sendsBefore).toBe(sent);
    expect(sent).toBeGreaterThan(20);
    expect(sent).toBeLessThan(RUNS - 200);
  });

  it(`verifyOtp: ${RUNS} inputs, no 5xx, invalid ones rejected, nothing stored or sent`, async () => {
    // A valid check counts against the caller's verification budget (a document of its own):
    // what must not grow is the addresses' documents.
    const sizeBefore = await storedAddresses(store);
    const sendsBefore = h.sendgrid.requests.length;
    let valid = 0;
    await fc.assert(
      fc.asyncProperty(fc.record({ email: fc.oneof(email, wrongType), requestId, otp, purpose }, { requiredKeys: [] }), async (input) => {
        const res = await h.gql(VERIFY, { input });
        expect(res.status).toBeLessThan(500);
        const sent = JSON.parse(JSON.stringify(input)) as typeof input;
        if (isValidEmail(sent.email) && isValidPurpose(sent.purpose) && isValidCode(sent.otp, 6) && typeof sent.requestId === 'string' && REQUEST_ID.test(sent.requestId)) {
          valid += 1;
          expect(res.data?.verifyOtp.status).toBe('NOT_FOUND');
        } else {
          expect(REFUSED).toContain(res.errors?.[0]?.extensions?.code);
        }
      }),
      { numRuns: RUNS, seed: SEED },
    );
    expect(valid).toBeGreaterThan(20);
    expect(await storedAddresses(store)).toBe(sizeBefore);
    expect(h.sendgrid.requests.length).toBe(sendsBefore);
  });
});

function validLocale(raw: unknown): boolean {
  try {
    canonicalLocale(raw);
    return true;
  } catch {
    return false;
  }
}

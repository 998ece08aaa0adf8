// The history checker must be able to fail: small hand-made histories, each breaking one
// promise, are caught, and a clean one passes. (The randomized run is history.test.ts.)
import { describe, expect, it } from 'vitest';
import { checkHistory, sliceOf } from './checker.js';
const promises = { maxAttempts: 2, emailRepeatWindowMs: 10_000, webhookRepeatWindowMs: 30_000, ttlGraceMs: 5_000 };
const sent = (requestId, at = 0) => ({ kind: 'call', op: 'request', email: 'a@example.com', requestId, start: at, end: at + 5, status: 'SENT' });
const email = (requestId, at, code = '123456') => ({ kind: 'email', to: 'a@example.com', requestId, code, at });
const verify = (requestId, otp, status, at, attemptsRemaining) => ({
    kind: 'call', op: otp === '123456' ? 'verify-right' : 'verify-wrong', email: 'a@example.com', requestId, otp, start: at, end: at + 5, status, attemptsRemaining,
});
const webhook = (id, type, at, requestId) => ({ kind: 'webhook', id, type, email: 'a@example.com', requestId, at, accepted: true });
const promisesBroken = (history, stored = []) => checkHistory(history, stored, 100_000, promises).violations.map((v) => v.promise);
describe('history checker', () => {
    const clean = [sent('r1'), email('r1', 10), verify('r1', '000000', 'MISMATCHED', 20, 1), verify('r1', '123456', 'VERIFIED', 30), webhook('m1', 'otp.verified', 40)];
    it('passes a history that keeps every promise', () => {
        expect(promisesBroken(clean)).toEqual([]);
    });
    it('catches a SENT code that never reached SendGrid, unless the merchant heard it failed', () => {
        expect(promisesBroken([sent('r1')])).toEqual(['every SENT code reaches SendGrid']);
        expect(promisesBroken([sent('r1'), webhook('m9', 'otp.delivery_failed', 50, 'r1')])).toEqual([]);
    });
    it('catches a code verified twice, a code verified that was never sent, and a guess past the cap', () => {
        expect(promisesBroken([...clean, verify('r1', '123456', 'VERIFIED', 50), webhook('m2', 'otp.verified', 60)])).toEqual(['no code verified twice']);
        expect(promisesBroken([sent('r1'), email('r1', 10), verify('r1', '999999', 'VERIFIED', 30), webhook('m1', 'otp.verified', 40)])).toEqual(['VERIFIED only for the code sent']);
        const capped = [sent('r1'), email('r1', 10), verify('r1', '000000', 'MISMATCHED', 20, 1), verify('r1', '000001', 'MISMATCHED', 30, 0), webhook('l1', 'otp.locked', 35)];
        expect(promisesBroken([...capped, verify('r1', '123456', 'VERIFIED', 50), webhook('m1', 'otp.verified', 60)])).toEqual(['attempts never above the cap']);
        expect(promisesBroken([...capped, verify('r1', '000002', 'MISMATCHED', 40, 0)])).toEqual(['attempts never above the cap']);
    });
    it('catches a lost or an invented event', () => {
        expect(promisesBroken(clean.slice(0, -1))).toEqual(['every otp.verified reaches the merchant']);
        expect(promisesBroken([...clean, webhook('m2', 'otp.verified', 60)])).toEqual(['no otp.verified without a verification']);
        const locked = [sent('r1'), email('r1', 10), verify('r1', '000000', 'MISMATCHED', 20, 1), verify('r1', '000001', 'MISMATCHED', 30, 0)];
        expect(promisesBroken(locked)).toEqual(['every otp.locked reaches the merchant']);
    });
    it('allows a repeat (an email, a webhook) only after a fault that explains it', () => {
        expect(promisesBroken([...clean, email('r1', 15)])).toEqual(['an email twice only inside the documented window']);
        expect(promisesBroken([...clean, email('r1', 15), { kind: 'fault', what: 'sendgrid:hang', at: 0, durationMs: 5 }])).toEqual([]);
        expect(promisesBroken([...clean, email('r1', 15, '654321'), { kind: 'fault', what: 'kill:worker', at: 0, durationMs: 0 }])).toEqual(['a request has one code']);
        expect(promisesBroken([...clean, webhook('m1', 'otp.verified', 90_000)])).toEqual(['a webhook again only inside the documented window']);
    });
    it('catches a document left past its TTL by more than the grace', () => {
        expect(promisesBroken(clean, [{ collection: 'otp_state', expiresAt: new Date(90_000) }])).toEqual(['nothing outlives its TTL']);
        expect(promisesBroken(clean, [{ collection: 'otp_state', expiresAt: new Date(99_000) }])).toEqual([]);
    });
    it('slices the history to the events of one key and the faults around them', () => {
        const history = [...clean, sent('r2', 500), { kind: 'fault', what: 'kill:worker', at: 25, durationMs: 0 }];
        expect(sliceOf(history, 'r1').map((e) => e.kind)).toEqual(['call', 'email', 'call', 'fault', 'call']);
    });
});
//# sourceMappingURL=checker.test.js.map
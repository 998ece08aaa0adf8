// The history checker must be able to fail: small hand-made histories, each breaking one
// promise, are caught, and a clean one passes. (The randomized run is history.test.ts.)
import { describe, expect, it } from 'vitest';
import { checkHistory, sliceOf, type HistoryEvent, type Promises } from './checker.js';

const promises: Promises = { maxAttempts: 2, emailRepeatWindowMs: 10_000, webhookRepeatWindowMs: 30_000, ttlGraceMs: 5_000, paymentTtlMs: 1_000 };
const sent = (requestId: string, at = 0): HistoryEvent => ({ kind: 'call', op: 'request', email: 'a@example.com', requestId, start: at, end: at + 5, status: 'SENT' });
const email = (requestId: string, at: number, code = '123456'): HistoryEvent => ({ kind: 'email', to: 'a@example.com', requestId, code, at });
const verify = (requestId: string, otp: string, status: string | null, at: number, attemptsRemaining?: number): HistoryEvent => ({
  kind: 'call', op: otp === '123456' ? 'verify-right' : 'verify-wrong', email: 'a@example.com', requestId, otp, start: at, end: at + 5, status, attemptsRemaining,
});
const webhook = (id: string, type: string, at: number, requestId?: string): HistoryEvent => ({ kind: 'webhook', id, type, email: 'a@example.com', requestId, at, accepted: true });
const promisesBroken = (history: HistoryEvent[], stored = [] as { collection: string; expiresAt: Date }[]) => checkHistory(history, stored, 100_000, promises).violations.map((v) => v.promise);

describe('history checker', () => {
  const clean: HistoryEvent[] = [sent('r1'), email('r1', 10), verify('r1', '000000', 'MISMATCHED', 20, 1), verify('r1', '123456', 'VERIFIED', 30), webhook('m1', 'otp.verified', 40)];

  it('passes a history that keeps every promise', () => {
    expect(promisesBroken(clean)).toEqual([]);
  });

  it('catches a SENT code that never reached SendGrid, unless the merchant heard it failed', () => {
    expect(promisesBroken([sent('r1')])).toEqual(['every SENT code reaches SendGrid']);
    expect(promisesBroken([sent('r1'), webhook('m9', 'otp.delivery_failed', 50, 'r1')])).toEqual([]);
    // A payment code canceled before its email left: otp.canceled tells it.
    expect(promisesBroken([{ ...(sent('p1') as object), payment: true } as HistoryEvent, { kind: 'call', op: 'cancel', email: 'a@example.com', requestId: 'p1', start: 10, end: 15, status: null, canceled: true }, webhook('c1', 'otp.canceled', 50, 'p1')])).toEqual([]);
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

  it('catches a payment code that ends in no event, in two, in the wrong one, or expires early', () => {
    const paid = (requestId: string): HistoryEvent => ({ ...(sent(requestId) as object), payment: true }) as HistoryEvent;
    const cancel = (requestId: string, canceled: boolean | null, at: number): HistoryEvent => ({ kind: 'call', op: 'cancel', email: 'a@example.com', requestId, start: at, end: at + 5, status: null, canceled });
    const cleanPayment = [paid('p1'), email('p1', 10), webhook('q1', 'otp.requested', 12, 'p1'), verify('p1', '123456', 'VERIFIED', 30), webhook('m1', 'otp.verified', 40, 'p1')];
    expect(promisesBroken(cleanPayment)).toEqual([]);
    expect(promisesBroken([paid('p2'), email('p2', 10), webhook('e2', 'otp.expired', 2_000, 'p2')])).toEqual([]);
    expect(promisesBroken([paid('p2'), email('p2', 10)])).toEqual(['a payment code ends in one event']);
    expect(promisesBroken([...cleanPayment, webhook('e1', 'otp.expired', 2_000, 'p1')])).toEqual(['a payment code ends in one event']);
    expect(promisesBroken([paid('p3'), email('p3', 10), webhook('e3', 'otp.expired', 500, 'p3')])).toEqual(['otp.expired only once its life is over']);
    expect(promisesBroken([paid('p4'), email('p4', 10), cancel('p4', true, 20), webhook('e4', 'otp.expired', 2_000, 'p4')])).toEqual(['a payment code ends in the event its history shows']);
    expect(promisesBroken([paid('p5'), email('p5', 10), cancel('p5', false, 20), webhook('c5', 'otp.canceled', 30, 'p5')])).toEqual(['otp.canceled only for a canceled code']);
    expect(promisesBroken([paid('p6'), webhook('q6', 'otp.requested', 12, 'p6'), webhook('d6', 'otp.delivery_failed', 13, 'p6'), webhook('e6', 'otp.expired', 2_000, 'p6')])).toEqual(['otp.requested only for an email SendGrid took']);
    expect(promisesBroken([...clean, webhook('q7', 'otp.requested', 12, 'r1')])).toEqual(['checkout events only for payment codes']);
  });

  it('slices the history to the events of one key and the faults around them', () => {
    const history = [...clean, sent('r2', 500), { kind: 'fault', what: 'kill:worker', at: 25, durationMs: 0 } as HistoryEvent];
    expect(sliceOf(history, 'r1').map((e) => e.kind)).toEqual(['call', 'email', 'call', 'fault', 'call']);
  });
});

// The history checker: what a whole randomized run recorded (every request and its answer,
// every email the fake SendGrid took, every webhook try the fake merchant saw, the faults and
// when they ran, and the database's documents at the end) against the promises the README's
// "What is promised" lists. It imports nothing from src/: it knows the service only by its
// public behaviour, so a bug shared by the service and a helper cannot hide here.

export type Operation = 'request' | 'resend' | 'verify-right' | 'verify-wrong' | 'verify-replay' | 'cancel';

/** One GraphQL call as the client saw it. `status` is the payload's, or the error's code, or null (no answer). */
export interface Call {
  kind: 'call';
  op: Operation;
  email: string;
  /** The request's handle: requestOtp's answer, or the one the call named. */
  requestId: string | null;
  /** The code a verify sent. */
  otp?: string;
  start: number;
  end: number;
  status: string | null;
  attemptsRemaining?: number | null;
  /** A request for a payment code (a merchant's intent): the checkout events are its. */
  payment?: boolean;
  /** A cancel through the merchant API: whether it answered that it killed the code (null: no answer). */
  canceled?: boolean | null;
}

/** An email as the fake SendGrid took it (recorded when it decided to accept). */
export interface Email {
  kind: 'email';
  to: string;
  requestId: string;
  code: string;
  at: number;
}

/** One try of a merchant webhook, as the fake merchant saw it; `accepted`: it decided to answer 2xx. */
export interface WebhookTry {
  kind: 'webhook';
  id: string;
  type: string;
  email: string;
  requestId?: string;
  at: number;
  accepted: boolean;
}

/** A fault the schedule ran, from `at` for `durationMs` (0 for an instant one: a kill). */
export interface Fault {
  kind: 'fault';
  what: string;
  at: number;
  durationMs: number;
}

export type HistoryEvent = Call | Email | WebhookTry | Fault;

/** A document left in the database at the end, with its TTL field. */
export interface StoredDocument {
  collection: string;
  expiresAt: Date;
}

export interface Promises {
  maxAttempts: number;
  /** How long after an unconfirmed SendGrid call (no answer) or a worker's death a second email may follow. */
  emailRepeatWindowMs: number;
  /** How long after an unanswered webhook try or a worker's death the same webhook id may be accepted again. */
  webhookRepeatWindowMs: number;
  /** The TTL monitor's period, plus its slack: nothing may be left that long past its expiresAt. */
  ttlGraceMs: number;
  /** A payment code's life: its otp.expired may not come before it is over. */
  paymentTtlMs: number;
}

export interface Violation {
  promise: string;
  detail: string;
  /** The requestId or address whose slice of history shows it. */
  key: string;
}

export interface Report {
  violations: Violation[];
  counts: Record<string, number>;
}

const groupBy = <T>(items: T[], key: (item: T) => string | null | undefined): Map<string, T[]> => {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k == null) continue;
    groups.set(k, [...(groups.get(k) ?? []), item]);
  }
  return groups;
};

/**
 * The faults after which a send may be repeated (README, "What is promised"): the provider
 * took a call but its answer never came (hang), the worker died mid-call, or the database was
 * between primaries when the outcome was to be recorded (a step-down, a killed primary), so
 * the claim lapsed and another try went out.
 */
const EMAIL_REPEAT_CAUSES = ['sendgrid:hang', 'kill:worker', 'stepdown', 'kill:primary'];
const WEBHOOK_REPEAT_CAUSES = ['merchant:hang', 'kill:worker', 'stepdown', 'kill:primary'];

/** Whether a fault of `causes` ran within `windowMs` before `at`. */
const explained = (faults: Fault[], causes: string[], at: number, windowMs: number) =>
  faults.some((f) => causes.includes(f.what) && f.at <= at && at <= f.at + f.durationMs + windowMs);

export function checkHistory(history: HistoryEvent[], stored: StoredDocument[], checkedAt: number, p: Promises): Report {
  const calls = history.filter((e): e is Call => e.kind === 'call');
  const emails = history.filter((e): e is Email => e.kind === 'email');
  const tries = history.filter((e): e is WebhookTry => e.kind === 'webhook');
  const faults = history.filter((e): e is Fault => e.kind === 'fault');
  const violations: Violation[] = [];
  const violate = (promise: string, key: string, detail: string) => violations.push({ promise, key, detail });
  const emailsOf = groupBy(emails, (e) => e.requestId);
  const accepted = tries.filter((t) => t.accepted);
  // A payment code canceled before its email left is never emailed: otp.canceled tells it.
  const failedDeliveries = new Set(accepted.filter((t) => t.type === 'otp.delivery_failed' || t.type === 'otp.canceled').map((t) => t.requestId));
  const byRequest = groupBy(calls, (c) => c.requestId);

  // 1. Every SENT answer's code reached SendGrid (or the merchant heard that it could not).
  for (const call of calls) {
    if (call.status !== 'SENT' || !call.requestId) continue;
    if (!emailsOf.has(call.requestId) && !failedDeliveries.has(call.requestId)) {
      violate('every SENT code reaches SendGrid', call.requestId, `${call.op} answered SENT at ${call.start}, and no email nor otp.delivery_failed (nor otp.canceled) followed`);
    }
  }

  // 2. One code per request, and a second email only for a resend or inside the window.
  let repeatedEmails = 0;
  for (const [requestId, sent] of emailsOf) {
    if (new Set(sent.map((e) => e.code)).size > 1) violate('a request has one code', requestId, `emails carried ${new Set(sent.map((e) => e.code)).size} different codes`);
    const resends = (byRequest.get(requestId) ?? []).filter((c) => c.op === 'resend' && (c.status === 'SENT' || c.status === null));
    const sorted = [...sent].sort((a, b) => a.at - b.at);
    const allowed = 1 + resends.length;
    for (const extra of sorted.slice(allowed)) {
      repeatedEmails += 1;
      if (!explained(faults, EMAIL_REPEAT_CAUSES, extra.at, p.emailRepeatWindowMs)) {
        violate('an email twice only inside the documented window', requestId, `email ${sorted.indexOf(extra) + 1} of ${sorted.length} at ${extra.at} (${resends.length} resends), with no unanswered SendGrid call or dead worker before it`);
      }
    }
  }

  // 3–5. Verification: once per code, only the code sent, never past the attempt cap.
  let verified = 0;
  for (const [requestId, ofRequest] of byRequest) {
    const verifies = ofRequest.filter((c) => c.op.startsWith('verify'));
    const wins = verifies.filter((c) => c.status === 'VERIFIED');
    verified += wins.length;
    if (wins.length > 1) violate('no code verified twice', requestId, `${wins.length} VERIFIED answers`);
    const codes = new Set((emailsOf.get(requestId) ?? []).map((e) => e.code));
    for (const win of wins) {
      if (!win.otp || !codes.has(win.otp)) violate('VERIFIED only for the code sent', requestId, `VERIFIED at ${win.start} for a code no email of this request carried`);
    }
    const misses = verifies.filter((c) => c.status === 'MISMATCHED').sort((a, b) => a.end - b.end);
    if (misses.length > p.maxAttempts) violate('attempts never above the cap', requestId, `${misses.length} MISMATCHED answers, cap ${p.maxAttempts}`);
    const capReached = misses[p.maxAttempts - 1];
    for (const win of wins) {
      if (capReached && win.start > capReached.end) violate('attempts never above the cap', requestId, `VERIFIED at ${win.start} after the ${p.maxAttempts}th wrong guess answered at ${capReached.end}`);
    }
  }

  // 6. Every event the history implies reached the merchant: per address, as many otp.verified
  // as VERIFIED answers (at most as many more as verifies with no answer), an otp.locked per
  // code whose last attempt was answered.
  const distinct = (type: string, email: string) => new Set(accepted.filter((t) => t.type === type && t.email === email).map((t) => t.id)).size;
  for (const [email, ofEmail] of groupBy(calls, (c) => c.email)) {
    const wins = ofEmail.filter((c) => c.status === 'VERIFIED').length;
    const unknown = ofEmail.filter((c) => c.op.startsWith('verify') && c.status === null).length;
    const heard = distinct('otp.verified', email);
    if (heard < wins) violate('every otp.verified reaches the merchant', email, `${wins} VERIFIED answers, ${heard} otp.verified events`);
    if (heard > wins + unknown) violate('no otp.verified without a verification', email, `${heard} otp.verified events for ${wins} VERIFIED answers and ${unknown} unanswered verifies`);
    const locked = new Set(ofEmail.filter((c) => c.status === 'MISMATCHED' && c.attemptsRemaining === 0).map((c) => c.requestId)).size;
    const lockedHeard = distinct('otp.locked', email);
    if (lockedHeard < locked) violate('every otp.locked reaches the merchant', email, `${locked} codes locked by an answered guess, ${lockedHeard} otp.locked events`);
  }
  const known = new Set(calls.filter((c) => c.status === 'SENT').map((c) => c.requestId));
  for (const t of accepted.filter((x) => x.type === 'otp.delivery_failed')) {
    if (!t.requestId || !known.has(t.requestId)) violate('otp.delivery_failed only for a code issued', t.requestId ?? t.email, `event ${t.id} names no SENT request`);
  }

  // 9. A payment code's life ends in exactly one event, the one its history shows: otp.verified
  // for a VERIFIED answer, otp.canceled for a cancel that killed it, otp.locked for the guess
  // that used up its attempts, otp.expired (never before its life is over) when none of those
  // happened. otp.requested only for a payment code whose email SendGrid took, at most once per
  // email. The checkout events (requested, expired, canceled) never for other codes.
  const END_TYPES = ['otp.verified', 'otp.locked', 'otp.canceled', 'otp.expired'];
  const payments = new Map(calls.filter((c) => c.op === 'request' && c.status === 'SENT' && c.payment && c.requestId).map((c) => [c.requestId!, c]));
  const eventsOf = groupBy(accepted, (t) => t.requestId);
  for (const [requestId, request] of payments) {
    const heard = eventsOf.get(requestId) ?? [];
    const firstOf = new Map<string, WebhookTry>();
    for (const t of [...heard].sort((a, b) => a.at - b.at)) if (END_TYPES.includes(t.type) && !firstOf.has(t.id)) firstOf.set(t.id, t);
    const ends = [...firstOf.values()];
    const ofRequest = byRequest.get(requestId) ?? [];
    const won = ofRequest.some((c) => c.status === 'VERIFIED');
    const killed = ofRequest.some((c) => c.op === 'cancel' && c.canceled === true);
    const cancelUnknown = ofRequest.some((c) => c.op === 'cancel' && c.canceled === null);
    const lockedByAnswer = ofRequest.some((c) => c.status === 'MISMATCHED' && c.attemptsRemaining === 0);
    if (ends.length !== 1) {
      violate('a payment code ends in one event', requestId, `${ends.length} end events: ${ends.map((e) => e.type).join(', ') || 'none'}`);
      continue;
    }
    const end = ends[0]!;
    const expected = won ? 'otp.verified' : killed ? 'otp.canceled' : lockedByAnswer ? 'otp.locked' : null;
    if (expected && end.type !== expected) violate('a payment code ends in the event its history shows', requestId, `${end.type}, where the answers said ${expected}`);
    if (end.type === 'otp.canceled' && !killed && !cancelUnknown) violate('otp.canceled only for a canceled code', requestId, 'no cancel answered that it killed the code');
    if (end.type === 'otp.expired' && end.at < request.start + p.paymentTtlMs) violate('otp.expired only once its life is over', requestId, `at ${end.at}, ${request.start + p.paymentTtlMs - end.at} ms before the code's life was over`);
    const requested = new Set(heard.filter((t) => t.type === 'otp.requested').map((t) => t.id)).size;
    if (requested > (emailsOf.get(requestId)?.length ?? 0)) violate('otp.requested only for an email SendGrid took', requestId, `${requested} otp.requested events, ${emailsOf.get(requestId)?.length ?? 0} emails`);
  }
  // (A payment request whose answer was lost may have issued a code nobody heard of: its events name an unknown request.)
  const otherCodes = new Set(calls.filter((c) => c.op === 'request' && c.status === 'SENT' && !c.payment).map((c) => c.requestId));
  const unansweredPayments = new Set(calls.filter((c) => c.op === 'request' && c.payment && c.status === null).map((c) => c.email));
  for (const t of accepted.filter((x) => ['otp.requested', 'otp.expired', 'otp.canceled'].includes(x.type))) {
    const known = t.requestId && payments.has(t.requestId);
    const lostAnswer = t.requestId && !otherCodes.has(t.requestId) && unansweredPayments.has(t.email);
    if (!known && !lostAnswer) violate('checkout events only for payment codes', t.requestId ?? t.email, `${t.type} ${t.id} names no payment code requested`);
  }

  // 7. A webhook accepted again under its id only inside the documented window.
  let repeatedWebhooks = 0;
  for (const [id, ofId] of groupBy(accepted, (t) => t.id)) {
    for (const again of ofId.sort((a, b) => a.at - b.at).slice(1)) {
      repeatedWebhooks += 1;
      if (!explained(faults, WEBHOOK_REPEAT_CAUSES, again.at, p.webhookRepeatWindowMs)) {
        violate('a webhook again only inside the documented window', again.email, `${id} (${again.type}) accepted again at ${again.at}, with no unanswered try or dead worker before it`);
      }
    }
  }

  // 8. Nothing outlives its TTL by more than the monitor's period.
  for (const doc of stored) {
    const late = checkedAt - doc.expiresAt.getTime();
    if (late > p.ttlGraceMs) violate('nothing outlives its TTL', doc.collection, `a document ${Math.round(late / 1000)} s past its expiresAt`);
  }

  const count = (op: Operation, status?: string) => calls.filter((c) => c.op === op && (status === undefined || c.status === status)).length;
  return {
    violations,
    counts: {
      calls: calls.length,
      requested: count('request', 'SENT'),
      resent: count('resend', 'SENT'),
      verified,
      wrongGuesses: count('verify-wrong'),
      replays: count('verify-replay'),
      unanswered: calls.filter((c) => c.status === null).length,
      emails: emails.length,
      repeatedEmails,
      webhooksAccepted: accepted.length,
      repeatedWebhooks,
      payments: payments.size,
      ...Object.fromEntries(END_TYPES.map((type) => [`payments:${type}`, new Set(accepted.filter((t) => t.type === type && t.requestId && payments.has(t.requestId)).map((t) => t.id)).size])),
      canceled: calls.filter((c) => c.op === 'cancel' && c.canceled === true).length,
      faults: faults.length,
    },
  };
}

/** The shortest slice of history that shows a violation: the events of its key, in time order. */
export function sliceOf(history: HistoryEvent[], key: string): HistoryEvent[] {
  const related = (e: HistoryEvent) =>
    e.kind === 'fault' ||
    (e.kind === 'call' && (e.requestId === key || e.email === key)) ||
    (e.kind === 'email' && (e.requestId === key || e.to === key)) ||
    (e.kind === 'webhook' && (e.requestId === key || e.email === key));
  const own = history.filter((e) => e.kind !== 'fault' && related(e));
  if (own.length === 0) return [];
  const timeOf = (e: HistoryEvent) => (e.kind === 'call' ? e.start : e.at);
  const from = Math.min(...own.map(timeOf)) - 1;
  const to = Math.max(...own.map((e) => (e.kind === 'call' ? e.end : e.at))) + 1;
  const faultsWithin = history.filter((e): e is Fault => e.kind === 'fault' && e.at <= to && e.at + e.durationMs >= from);
  return [...own, ...faultsWithin].sort((a, b) => timeOf(a) - timeOf(b));
}

// The history checker: what a whole randomized run recorded (every request and its answer,
// every email the fake SendGrid took, every webhook try the fake merchant saw, the faults and
// when they ran, and the database's documents at the end) against the promises the README's
// "What is promised" lists. It imports nothing from src/: it knows the service only by its
// public behaviour, so a bug shared by the service and a helper cannot hide here.
const groupBy = (items, key) => {
    const groups = new Map();
    for (const item of items) {
        const k = key(item);
        if (k == null)
            continue;
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
const explained = (faults, causes, at, windowMs) => faults.some((f) => causes.includes(f.what) && f.at <= at && at <= f.at + f.durationMs + windowMs);
export function checkHistory(history, stored, checkedAt, p) {
    const calls = history.filter((e) => e.kind === 'call');
    const emails = history.filter((e) => e.kind === 'email');
    const tries = history.filter((e) => e.kind === 'webhook');
    const faults = history.filter((e) => e.kind === 'fault');
    const violations = [];
    const violate = (promise, key, detail) => violations.push({ promise, key, detail });
    const emailsOf = groupBy(emails, (e) => e.requestId);
    const accepted = tries.filter((t) => t.accepted);
    const failedDeliveries = new Set(accepted.filter((t) => t.type === 'otp.delivery_failed').map((t) => t.requestId));
    const byRequest = groupBy(calls, (c) => c.requestId);
    // 1. Every SENT answer's code reached SendGrid (or the merchant heard that it could not).
    for (const call of calls) {
        if (call.status !== 'SENT' || !call.requestId)
            continue;
        if (!emailsOf.has(call.requestId) && !failedDeliveries.has(call.requestId)) {
            violate('every SENT code reaches SendGrid', call.requestId, `${call.op} answered SENT at ${call.start}, and no email nor otp.delivery_failed followed`);
        }
    }
    // 2. One code per request, and a second email only for a resend or inside the window.
    let repeatedEmails = 0;
    for (const [requestId, sent] of emailsOf) {
        if (new Set(sent.map((e) => e.code)).size > 1)
            violate('a request has one code', requestId, `emails carried ${new Set(sent.map((e) => e.code)).size} different codes`);
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
        if (wins.length > 1)
            violate('no code verified twice', requestId, `${wins.length} VERIFIED answers`);
        const codes = new Set((emailsOf.get(requestId) ?? []).map((e) => e.code));
        for (const win of wins) {
            if (!win.otp || !codes.has(win.otp))
                violate('VERIFIED only for the code sent', requestId, `VERIFIED at ${win.start} for a code no email of this request carried`);
        }
        const misses = verifies.filter((c) => c.status === 'MISMATCHED').sort((a, b) => a.end - b.end);
        if (misses.length > p.maxAttempts)
            violate('attempts never above the cap', requestId, `${misses.length} MISMATCHED answers, cap ${p.maxAttempts}`);
        const capReached = misses[p.maxAttempts - 1];
        for (const win of wins) {
            if (capReached && win.start > capReached.end)
                violate('attempts never above the cap', requestId, `VERIFIED at ${win.start} after the ${p.maxAttempts}th wrong guess answered at ${capReached.end}`);
        }
    }
    // 6. Every event the history implies reached the merchant: per address, as many otp.verified
    // as VERIFIED answers (at most as many more as verifies with no answer), an otp.locked per
    // code whose last attempt was answered.
    const distinct = (type, email) => new Set(accepted.filter((t) => t.type === type && t.email === email).map((t) => t.id)).size;
    for (const [email, ofEmail] of groupBy(calls, (c) => c.email)) {
        const wins = ofEmail.filter((c) => c.status === 'VERIFIED').length;
        const unknown = ofEmail.filter((c) => c.op.startsWith('verify') && c.status === null).length;
        const heard = distinct('otp.verified', email);
        if (heard < wins)
            violate('every otp.verified reaches the merchant', email, `${wins} VERIFIED answers, ${heard} otp.verified events`);
        if (heard > wins + unknown)
            violate('no otp.verified without a verification', email, `${heard} otp.verified events for ${wins} VERIFIED answers and ${unknown} unanswered verifies`);
        const locked = new Set(ofEmail.filter((c) => c.status === 'MISMATCHED' && c.attemptsRemaining === 0).map((c) => c.requestId)).size;
        const lockedHeard = distinct('otp.locked', email);
        if (lockedHeard < locked)
            violate('every otp.locked reaches the merchant', email, `${locked} codes locked by an answered guess, ${lockedHeard} otp.locked events`);
    }
    const known = new Set(calls.filter((c) => c.status === 'SENT').map((c) => c.requestId));
    for (const t of accepted.filter((x) => x.type === 'otp.delivery_failed')) {
        if (!t.requestId || !known.has(t.requestId))
            violate('otp.delivery_failed only for a code issued', t.requestId ?? t.email, `event ${t.id} names no SENT request`);
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
        if (late > p.ttlGraceMs)
            violate('nothing outlives its TTL', doc.collection, `a document ${Math.round(late / 1000)} s past its expiresAt`);
    }
    const count = (op, status) => calls.filter((c) => c.op === op && (status === undefined || c.status === status)).length;
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
            faults: faults.length,
        },
    };
}
/** The shortest slice of history that shows a violation: the events of its key, in time order. */
export function sliceOf(history, key) {
    const related = (e) => e.kind === 'fault' ||
        (e.kind === 'call' && (e.requestId === key || e.email === key)) ||
        (e.kind === 'email' && (e.requestId === key || e.to === key)) ||
        (e.kind === 'webhook' && (e.requestId === key || e.email === key));
    const own = history.filter((e) => e.kind !== 'fault' && related(e));
    if (own.length === 0)
        return [];
    const timeOf = (e) => (e.kind === 'call' ? e.start : e.at);
    const from = Math.min(...own.map(timeOf)) - 1;
    const to = Math.max(...own.map((e) => (e.kind === 'call' ? e.end : e.at))) + 1;
    const faultsWithin = history.filter((e) => e.kind === 'fault' && e.at <= to && e.at + e.durationMs >= from);
    return [...own, ...faultsWithin].sort((a, b) => timeOf(a) - timeOf(b));
}
//# sourceMappingURL=checker.js.map
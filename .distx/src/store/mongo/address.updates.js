// The commands on an address's document that the request path issues: issuing a code,
// resending one and checking one. Each is a filter plus an aggregation-pipeline update, so that every rule is
// judged and every counter moved by the server in one atomic step, and a request pays one
// round trip for all its per-address limits. These builders are pure: they only make the
// command documents (the adapter sends them), and mirror the embedded store's logic in
// window-count.ts and memory.store.ts, held to the same contract suite.
import { ObjectId } from 'mongodb';
import { resentDelivery, storedCode, } from '../otp.store.js';
/** How long a webhook waiting to be relayed keeps its address's document (the outbox keeps events as long). */
export const WEBHOOK_KEEP_MS = 7 * 24 * 3600 * 1000;
/**
 * A pipeline stage that adds `webhook` to the document's `webhooks` when `when` holds (an
 * aggregation expression of the same update), leaving them as they were (or missing)
 * otherwise; none without a webhook.
 */
export function webhookStage(when, webhook) {
    if (!webhook)
        return [];
    const embedded = { ...webhook, keepUntil: new Date(webhook.createdAt.getTime() + WEBHOOK_KEEP_MS) };
    return [{ $set: { webhooks: { $cond: [when, { $concatArrays: [{ $ifNull: ['$webhooks', []] }, [literal(embedded)]] }, '$webhooks'] } } }];
}
/** User-given strings go in as literals: a value starting with "$" must not read a field. */
const literal = (value) => ({ $literal: value });
const after = (now, seconds) => new Date(now.getTime() + seconds * 1000);
/** The window at `path` is open at `now`. A missing window compares lowest: closed. */
const open = (path, now) => ({ $gt: [`$${path}.resetAt`, now] });
/**
 * The window at `path` lets one more through at `now`, as a query filter (an upsert's filter
 * may not use $expr). A missing field is matched by $not, as a closed window.
 */
const allowsQuery = (path, limit, now) => ({
    $or: [{ [`${path}.resetAt`]: { $not: { $gt: now } } }, { [`${path}.count`]: { $lt: limit.max } }],
});
/** The window at `path` after counting one more at `now`. */
const counted = (path, limit, now) => ({
    $cond: [
        open(path, now),
        { count: { $add: [`$${path}.count`, 1] }, resetAt: `$${path}.resetAt` },
        { count: 1, resetAt: after(now, limit.windowSeconds) },
    ],
});
/**
 * The document's life: until its last code expires, its last window closes and its last
 * webhook is relayed (now, if nothing is left). `now` may be '$$NOW' (the relay's).
 */
export const lifetime = (now) => ({
    $set: {
        expiresAt: {
            $ifNull: [{ $max: ['$cooldownUntil', '$sends.resetAt', '$guessesUntil', { $max: '$slots.expiresAt' }, { $max: '$intents.until' }, { $max: '$webhooks.keepUntil' }] }, now],
        },
    },
});
/**
 * The guess budget is a sliding window (window-count.ts's SlidingLog): the times of the last
 * `max` counted guesses. These are the times still inside the window at `now`, oldest first.
 */
const liveGuesses = (limit, now) => ({
    $filter: { input: { $ifNull: ['$guesses', []] }, cond: { $gt: ['$$this', after(now, -limit.windowSeconds)] } },
});
/**
 * A caller's budget: counts one if the window allows it. Refused, the filter matches nothing
 * and the upsert collides with the existing document (duplicate key): the command stops there.
 */
/**
 * A payment intent claimed for `mailbox` (see IntentDocument): refused, when another mailbox
 * holds it, the filter matches nothing and the upsert collides on _id, as in clientStep.
 */
export function intentStep({ key, until }, mailbox, now) {
    return {
        filter: { _id: { intent: key }, email: mailbox },
        // claimedAt changes on every claim, so that the write always counts as a change (see MongoOtpStore.issue).
        update: [{ $set: { email: literal(mailbox), claimedAt: now, expiresAt: { $max: [{ $ifNull: ['$expiresAt', until] }, until] } } }],
    };
}
export function clientStep(key, limit, now) {
    return {
        filter: { _id: { client: key }, ...allowsQuery('window', limit, now) },
        update: [{ $set: { window: counted('window', limit, now) } }, { $set: { expiresAt: '$window.resetAt' } }],
    };
}
/** The address's codes unexpired at `now`. */
const liveSlots = (now) => ({ $filter: { input: { $ifNull: ['$slots', []] }, cond: { $gt: ['$$this.expiresAt', now] } } });
/** The cooldown, then the send window, refuse at `now` (sendRefusal in window-count.ts). */
const sendRefused = (limits, now) => ({
    $or: [{ $gt: [{ $ifNull: ['$cooldownUntil', null] }, now] }, { $and: [open('sends', now), { $gte: ['$sends.count', limits.sends.max] }] }],
});
/** The counters after one more email: the cooldown starts again, the send window counts one. */
const sendCounted = (limits, now) => ({
    cooldownUntil: limits.cooldownSeconds > 0 ? after(now, limits.cooldownSeconds) : null,
    sends: counted('sends', limits.sends, now),
});
/** Units of the attempt budget held at `now` (attemptsHeld in window-count.ts). */
const attemptsHeld = ({ maxAttempts, budget }, now) => ({
    $add: [
        { $size: liveGuesses(budget, now) },
        { $sum: { $map: { input: liveSlots(now), in: { $max: [0, { $subtract: [maxAttempts, '$$this.attempts'] }] } } } },
    ],
});
/**
 * The verdict on one code (`$$slot`): a dead one first (expired, then killed by its wrong
 * guesses), as both a check and a resend judge it, then `branches`, else `otherwise`.
 */
const slotVerdict = (slot, now, maxAttempts, branches, otherwise) => ({
    $let: {
        vars: { slot },
        in: {
            $switch: {
                branches: [
                    { case: { $lte: ['$$slot.expiresAt', now] }, then: { result: 'expired' } },
                    { case: { $gte: ['$$slot.attempts', maxAttempts] }, then: { result: 'too_many_attempts' } },
                    ...branches,
                ],
                default: otherwise,
            },
        },
    },
});
/**
 * Issues `otp` with `reference` in its address's document, beside its other live codes, as
 * one update that can share an ordered bulk write with the caller's counter (one command for
 * the whole request). The cooldown, send window, live codes and attempt budget (in the order
 * issueRefusal in window-count.ts judges them), the payment intent's single use and the
 * reference's freshness are judged in the pipeline; refused, the update leaves the document
 * exactly as it was (no field changes, so the write reports nothing modified) and the adapter
 * reads why. Issued, the counters move and expired codes are dropped; no live code ever is.
 */
export function issueStep(otp, reference, limits) {
    const now = otp.createdAt;
    // The document keeps the mailbox as its _id (the address as written only where it differs)
    // and names the code's id codeId.
    const { id: codeId, email, mailbox, ...stored } = storedCode(otp, reference);
    const code = email === mailbox ? stored : { ...stored, email };
    const referenceTaken = { $in: [literal(reference), { $map: { input: liveSlots(now), in: '$$this.reference' } }] };
    // A payment intent this address already had a code for is used (the intent marker, a step
    // before this one, stops other addresses).
    const liveIntents = { $filter: { input: { $ifNull: ['$intents', []] }, cond: { $gt: ['$$this.until', now] } } };
    const intentUsed = limits?.intent ? { $in: [literal(limits.intent.key), { $map: { input: liveIntents, in: '$$this.key' } }] } : false;
    const refused = limits
        ? [
            sendRefused(limits, now),
            // Codes that their wrong guesses killed hold no place (issueRefusal's rule).
            { $gte: [{ $size: { $filter: { input: liveSlots(now), cond: { $lt: ['$$this.attempts', limits.attempts.maxAttempts] } } } }, limits.maxLive] },
            { $gt: [{ $add: [attemptsHeld(limits.attempts, now), limits.attempts.maxAttempts] }, limits.attempts.budget.max] },
        ]
        : [];
    const ifIssued = (value, field) => ({ $cond: ['$issuing', value, `$${field}`] });
    const counters = limits ? sendCounted(limits, now) : {};
    const intents = limits?.intent ? { intents: ifIssued({ $concatArrays: [liveIntents, [literal({ key: limits.intent.key, until: limits.intent.until })]] }, 'intents') } : {};
    const lifetimeIfIssued = { $set: { expiresAt: { $cond: ['$issuing', lifetime(now).$set.expiresAt, '$expiresAt'] } } };
    return {
        filter: { _id: otp.mailbox },
        update: [
            // A field of this update only (unset at the end), so that a refusal changes nothing.
            { $set: { issuing: { $not: [{ $or: [intentUsed, referenceTaken, ...refused] }] } } },
            {
                $set: {
                    ...Object.fromEntries(Object.entries(counters).map(([field, value]) => [field, ifIssued(value, field)])),
                    ...intents,
                    slots: ifIssued({ $concatArrays: [liveSlots(now), [literal({ codeId, ...code })]] }, 'slots'),
                    lastIssued: ifIssued(literal(otp.id), 'lastIssued'),
                },
            },
            lifetimeIfIssued,
            { $unset: 'issuing' },
        ],
    };
}
/**
 * Sends a live code again, in one findAndModify on its address's document (the filter finds
 * the code by its id): its life and attempts, then the cooldown and send window. Counted, the
 * email is queued unless one is still on its way: the delivery goes back to pending and
 * `lastIssued` names the code afresh ("<codeId>|<resends>"), which wakes the dispatchers.
 */
export function resendStep({ mailbox, id, now, maxAttempts, limits }) {
    const isIt = { $eq: ['$$this.codeId', literal(id)] };
    const slot = { $first: { $filter: { input: '$slots', cond: isIt } } };
    const is = (...results) => ({ $in: ['$verdict.result', results] });
    const onTheWay = { $in: ['$$slot.delivery.state', ['pending', 'sending']] };
    const queued = is('queued');
    return {
        filter: { _id: mailbox, 'slots.codeId': id },
        update: [
            {
                $set: {
                    verdict: slotVerdict(slot, now, maxAttempts, [
                        { case: sendRefused(limits, now), then: { result: 'refused' } },
                        { case: onTheWay, then: { result: 'resent', reference: '$$slot.reference' } },
                    ], { result: 'queued', reference: '$$slot.reference' }),
                },
            },
            {
                $set: {
                    ...Object.fromEntries(Object.entries(sendCounted(limits, now)).map(([field, value]) => [field, { $cond: [is('resent', 'queued'), value, `$${field}`] }])),
                    slots: {
                        $cond: [
                            queued,
                            {
                                $map: {
                                    input: '$slots',
                                    in: {
                                        $cond: [
                                            isIt,
                                            {
                                                $mergeObjects: [
                                                    '$$this',
                                                    { resends: { $add: [{ $ifNull: ['$$this.resends', 0] }, 1] }, delivery: resentDelivery('$$NOW', { attempts: '$$this.delivery.attempts', events: '$$this.delivery.events' }) },
                                                ],
                                            },
                                            '$$this',
                                        ],
                                    },
                                },
                            },
                            '$slots',
                        ],
                    },
                },
            },
            {
                $set: {
                    lastIssued: { $cond: [queued, { $concat: [literal(id), '|', { $toString: { $first: { $map: { input: { $filter: { input: '$slots', cond: isIt } }, in: '$$this.resends' } } } }] }, '$lastIssued'] },
                    deliveryChange: { $cond: [queued, { $concat: [new ObjectId().toHexString(), '|', literal(id)] }, '$deliveryChange'] },
                },
            },
            lifetime(now),
        ],
    };
}
/**
 * Checks one code, found by its id and purpose in its address's document (the filter: an
 * unknown id, or one of another address or purpose, matches nothing, so nothing is written and
 * the address pays nothing), and writes the verdict beside it: expiry, attempt cap, then the
 * hash. A wrong guess is counted on the code and logged in the attempt budget; a right one
 * removes the code, which gives its unused attempts back.
 */
export function checkStep({ mailbox, purpose, id, codeHash, now, maxAttempts, guesses, webhooks }) {
    const isIt = { $and: [{ $eq: ['$$this.codeId', literal(id)] }, { $eq: ['$$this.purpose', literal(purpose)] }] };
    const slot = { $first: { $filter: { input: '$slots', cond: isIt } } };
    const is = (result) => ({ $eq: ['$verdict.result', result] });
    return {
        filter: { _id: mailbox, slots: { $elemMatch: { codeId: id, purpose } } },
        update: [
            {
                $set: {
                    verdict: slotVerdict(slot, now, maxAttempts, [
                        // Equality of two HMACs: timing reveals nothing, as the caller cannot choose a hash.
                        { case: { $eq: ['$$slot.codeHash', literal(codeHash)] }, then: { result: 'verified' } },
                    ], { result: 'mismatched', attempts: { $add: ['$$slot.attempts', 1] } }),
                },
            },
            {
                $set: {
                    slots: {
                        $switch: {
                            branches: [
                                { case: is('verified'), then: { $filter: { input: '$slots', cond: { $not: [isIt] } } } },
                                {
                                    case: is('mismatched'),
                                    then: { $map: { input: '$slots', in: { $cond: [isIt, { $mergeObjects: ['$$this', { attempts: '$verdict.attempts' }] }, '$$this'] } } },
                                },
                            ],
                            default: '$slots',
                        },
                    },
                    // A wrong guess keeps its share of the attempt budget for the window.
                    guesses: { $cond: [is('mismatched'), { $slice: [{ $concatArrays: [liveGuesses(guesses, now), [now]] }, -guesses.max] }, '$guesses'] },
                    guessesUntil: { $cond: [is('mismatched'), after(now, guesses.windowSeconds), '$guessesUntil'] },
                },
            },
            // The merchant's events, in the same step as the consume or the guess they report.
            ...webhookStage(is('verified'), webhooks?.verified),
            ...webhookStage({ $and: [is('mismatched'), { $eq: ['$verdict.attempts', maxAttempts] }] }, webhooks?.locked),
            lifetime(now),
        ],
    };
}
//# sourceMappingURL=address.updates.js.map
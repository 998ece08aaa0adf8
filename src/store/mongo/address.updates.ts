// The commands on an address's document that the request path issues: issuing a code,
// resending one and checking one (and the caller's and the intent's steps beside them). Each is
// a filter plus an aggregation-pipeline update, so that every rule is judged and every counter
// moved by the server in one atomic step, and a request pays one round trip for all its
// per-address limits. These builders are pure: they only make the command documents (the
// adapter, codes.ts, sends them). The rules are written once, here and in stages.ts.
import { ObjectId, type Document } from 'mongodb';
import {
  resentDelivery,
  storedCode,
  type CheckCommand,
  type IntentUse,
  type IssueLimits,
  type NewOtp,
  type ResendCommand,
  type SendLimits,
  type WindowLimit,
} from '../otp.store.js';
import type { ResendVerdictDocument, VerdictDocument } from './documents.js';
import { after, allowsQuery, attemptsHeld, counted, lifetime, literal, liveGuesses, liveSlots, sendCounted, sendRefused, slotVerdict, webhookStage } from './stages.js';

export type { AddressDocument, ClientDocument, IntentDocument, ResendVerdictDocument, SlotDocument, VerdictDocument } from './documents.js';

/**
 * A caller's budget: counts one if the window allows it. Refused, the filter matches nothing
 * and the upsert collides with the existing document (duplicate key): the command stops there.
 */
/**
 * A payment intent claimed for `mailbox` (see IntentDocument): refused, when another mailbox
 * holds it, the filter matches nothing and the upsert collides on _id, as in clientStep.
 */
export function intentStep({ key, until }: IntentUse, mailbox: string, now: Date) {
  return {
    filter: { _id: { intent: key }, email: mailbox } as Document,
    // claimedAt changes on every claim, so that the write always counts as a change (see MongoOtpStore.issue).
    update: [{ $set: { email: literal(mailbox), claimedAt: now, expiresAt: { $max: [{ $ifNull: ['$expiresAt', until] }, until] } } }],
  };
}

export function clientStep(key: string, limit: WindowLimit, now: Date) {
  return {
    filter: { _id: { client: key }, ...allowsQuery('window', limit, now) } as Document,
    update: [{ $set: { window: counted('window', limit, now) } }, { $set: { expiresAt: '$window.resetAt' } }],
  };
}

/**
 * Issues `otp` with `reference` in its address's document, beside its other live codes, as
 * one update that can share an ordered bulk write with the caller's counter (one command for
 * the whole request). The cooldown, send window, live codes and attempt budget (in the order
 * issueRefusal in window-count.ts judges them), the payment intent's single use and the
 * reference's freshness are judged in the pipeline; refused, the update leaves the document
 * exactly as it was (no field changes, so the write reports nothing modified) and the adapter
 * reads why. Issued, the counters move and expired codes are dropped; no live code ever is.
 */
export function issueStep(otp: NewOtp, reference: string, limits: Omit<IssueLimits, 'client'> | undefined) {
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
  const ifIssued = (value: unknown, field: string) => ({ $cond: ['$issuing', value, `$${field}`] });
  const counters = limits ? sendCounted(limits, now) : {};
  const intents = limits?.intent ? { intents: ifIssued({ $concatArrays: [liveIntents, [literal({ key: limits.intent.key, until: limits.intent.until })]] }, 'intents') } : {};
  const lifetimeIfIssued = { $set: { expiresAt: { $cond: ['$issuing', lifetime(now).$set.expiresAt, '$expiresAt'] } } };
  return {
    filter: { _id: otp.mailbox } as Document,
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
export function resendStep({ mailbox, id, now, maxAttempts, limits }: Omit<ResendCommand, 'limits'> & { limits: Omit<SendLimits, 'client'> }) {
  const isIt = { $eq: ['$$this.codeId', literal(id)] };
  const slot = { $first: { $filter: { input: '$slots', cond: isIt } } };
  const is = (...results: ResendVerdictDocument['result'][]) => ({ $in: ['$verdict.result', results] });
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

/** The check as the address's document sees it: the caller's budget is a step of its own. */
export type CheckStepInput = Omit<CheckCommand, 'client'>;

/**
 * Checks one code, found by its id and purpose in its address's document (the filter: an
 * unknown id, or one of another address or purpose, matches nothing, so nothing is written and
 * the address pays nothing), and writes the verdict beside it: expiry, attempt cap, then the
 * hash. A wrong guess is counted on the code and logged in the attempt budget; a right one
 * removes the code, which gives its unused attempts back.
 */
export function checkStep({ mailbox, purpose, id, codeHash, now, maxAttempts, guesses, webhooks }: CheckStepInput) {
  const isIt = { $and: [{ $eq: ['$$this.codeId', literal(id)] }, { $eq: ['$$this.purpose', literal(purpose)] }] };
  const slot = { $first: { $filter: { input: '$slots', cond: isIt } } };
  const is = (result: VerdictDocument['result']) => ({ $eq: ['$verdict.result', result] });
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

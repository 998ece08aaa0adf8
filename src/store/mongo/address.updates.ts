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
  type SingleUse,
  type IssueLimits,
  type NewOtp,
  type ResendCommand,
  type SendLimits,
  type WindowLimit,
} from '../otp.store.js';
import type { VerdictDocument } from './documents.js';
import { after, allowsQuery, attemptsHeld, counted, embeddedWebhook, keptSlots, lifetime, literal, liveGuesses, liveSlots, NO_EXPIRY_EVENT, refuseUnless, sendCounted, sendRefused, slotVerdict, webhookStage } from './stages.js';

export type { AddressDocument, ClientDocument, IntentDocument, SlotDocument, VerdictDocument } from './documents.js';

/**
 * A payment intent claimed for `mailbox` (see IntentDocument): refused, when another mailbox
 * holds it, the filter matches nothing and the upsert collides on _id (duplicate key).
 */
export function intentStep({ key, until, keepUntil }: IntentUse, mailbox: string, now: Date) {
  // It lives as long as its code's record: the merchant API finds the mailbox by the intent's id.
  const keep = until > keepUntil ? until : keepUntil;
  return {
    filter: { _id: { intent: key }, email: mailbox } as Document,
    update: [{ $set: { email: literal(mailbox), claimedAt: now, expiresAt: { $max: [{ $ifNull: ['$expiresAt', keep] }, keep] } } }],
  };
}

/**
 * Something used once (a solved bot check): the first use inserts its marker, alive until it
 * would expire anyway. Used already, the filter (a marker with no expiry yet: none) matches
 * nothing and the upsert collides on _id (duplicate key).
 */
export function onceStep({ key, until }: SingleUse) {
  return { filter: { _id: { once: key }, expiresAt: { $exists: false } } as Document, update: [{ $set: { expiresAt: until } }] };
}

/**
 * A caller's budget: counts one if the window allows it. Refused, the filter matches nothing
 * and the upsert collides with the existing document (duplicate key): the command stops there.
 */
export function clientStep(key: string, limit: WindowLimit, now: Date) {
  return {
    filter: { _id: { client: key }, ...allowsQuery('window', limit, now) } as Document,
    update: countUpdate(limit, now),
  };
}

/**
 * A shared send budget's gate, before the address is judged: it lets the request on while the
 * window has room and counts nothing (its count comes after the email is queued: budgetCount).
 * Spent, it collides like clientStep. A budget seen for the first time is created empty, alive
 * for a moment, so that a gate the command never got past leaves nothing for long.
 */
export function budgetGate(key: string, limit: WindowLimit, now: Date) {
  return {
    filter: { _id: { client: key }, ...allowsQuery('window', limit, now) } as Document,
    update: [{ $set: { expiresAt: { $ifNull: ['$expiresAt', now] } } }],
  };
}

/**
 * A shared send budget counts one email: the last steps of a command whose address step
 * queued one (a refused address step stops the command before them). Always applied: two
 * requests that passed the gate together are both counted, so the budget can be overrun by
 * the requests in flight at once, never refuse one for a request that sent nothing.
 */
export function budgetCount(key: string, limit: WindowLimit, now: Date) {
  return { filter: { _id: { client: key } } as Document, update: countUpdate(limit, now) };
}

const countUpdate = (limit: WindowLimit, now: Date) => [{ $set: { window: counted('window', limit, now) } }, { $set: { expiresAt: '$window.resetAt' } }];

/**
 * Issues `otp` with `reference` in its address's document, beside its other live codes, as
 * one update in the ordered bulk write of the request's steps (one command for the whole
 * request). The cooldown, send window, live codes and attempt budget (in the order
 * issueRefusal in window-count.ts judges them), the payment intent's single use and the
 * reference's freshness are judged in the pipeline; refused, the step fails (refuseUnless),
 * writes nothing and stops the command, and the adapter reads why. Issued, the counters move
 * and expired codes are dropped; no live code ever is.
 */
export function issueStep(otp: NewOtp, reference: string, limits: Omit<IssueLimits, 'client'> | undefined) {
  const now = otp.createdAt;
  // The document keeps the mailbox as its _id (the address as written only where it differs)
  // and names the code's id codeId.
  const { id: codeId, email, mailbox, onExpiry, ...stored } = storedCode(otp, reference);
  const code = { ...stored, ...(email === mailbox ? {} : { email }), ...(onExpiry ? { onExpiry: embeddedWebhook(onExpiry) } : {}) };
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
  return {
    filter: { _id: otp.mailbox } as Document,
    update: [
      // Issued unless the intent was used here, the reference is a live code's, or a limit refuses.
      refuseUnless({ $not: [{ $or: [intentUsed, referenceTaken, ...refused] }] }),
      {
        $set: {
          ...(limits ? sendCounted(limits, now) : {}),
          ...(limits?.intent ? { intents: { $concatArrays: [liveIntents, [literal({ key: limits.intent.key, until: limits.intent.until })]] } } : {}),
          // Expired codes are dropped here, but a payment code's record stays until its keepUntil.
          slots: { $concatArrays: [keptSlots(now), [literal({ codeId, ...code })]] },
          lastIssued: literal(otp.id),
        },
      },
      lifetime(now),
    ],
  };
}

/**
 * Queues a live code's email again, same code and expiry, as one update in the ordered bulk
 * write of the request's steps: the filter finds the code by its id, then its life and
 * attempts, the cooldown and send window, and an email still on its way (pending or being
 * sent) each refuse it (refuseUnless: nothing written, the command stops, the adapter reads
 * which). Queued: the counters move, the delivery goes back to pending and `lastIssued` names
 * the code afresh ("<codeId>|<resends>"), which wakes the dispatchers. As an upsert's filter,
 * a code the document does not hold collides on _id, and an address with no document is
 * inserted and refused by the pipeline: neither writes anything.
 */
export function resendStep({ mailbox, id, now, maxAttempts, limits }: Pick<ResendCommand, 'mailbox' | 'id' | 'now' | 'maxAttempts'> & { limits: Omit<SendLimits, 'client' | 'shared'> }) {
  const isIt = { $eq: ['$$this.codeId', literal(id)] };
  const slot = { $first: { $filter: { input: { $ifNull: ['$slots', []] }, cond: isIt } } };
  const onTheWay = { $in: ['$$slot.delivery.state', ['pending', 'sending']] };
  const queued = { result: 'queued' };
  const resent = { $mergeObjects: ['$$this', { resends: { $add: [{ $ifNull: ['$$this.resends', 0] }, 1] }, delivery: resentDelivery('$$NOW', { attempts: '$$this.delivery.attempts', events: '$$this.delivery.events' }) }] };
  return {
    filter: { _id: mailbox, slots: { $elemMatch: { codeId: id } } } as Document,
    update: [
      refuseUnless({ $eq: [slotVerdict(slot, now, maxAttempts, [{ case: { $or: [sendRefused(limits, now), onTheWay] }, then: { result: 'refused' } }], queued), queued] }),
      { $set: { ...sendCounted(limits, now), slots: { $map: { input: '$slots', in: { $cond: [isIt, resent, '$$this'] } } } } },
      {
        $set: {
          lastIssued: { $concat: [literal(id), '|', { $toString: { $first: { $map: { input: { $filter: { input: '$slots', cond: isIt } }, in: '$$this.resends' } } } }] },
          deliveryChange: { $concat: [new ObjectId().toHexString(), '|', literal(id)] },
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
export function checkStep({ mailbox, purpose, id, codeHash, now, maxAttempts, guesses, webhooks, evidence }: CheckStepInput) {
  const isIt = { $and: [{ $eq: ['$$this.codeId', literal(id)] }, { $eq: ['$$this.purpose', literal(purpose)] }] };
  const slot = { $first: { $filter: { input: '$slots', cond: isIt } } };
  const is = (result: VerdictDocument['result']) => ({ $eq: ['$verdict.result', result] });
  // A verified payment code keeps its record (dead: no hash, no sealed code, its expiry now),
  // with the evidence of what was confirmed; any other verified code is removed.
  const keepsRecord = { $ne: [{ $type: '$$this.keepUntil' }, 'missing'] };
  const verifiedRecord = { $mergeObjects: ['$$this', { verifiedAt: now, expiresAt: now, codeHash: '', sealedCode: null, ...NO_EXPIRY_EVENT, ...(evidence ? { evidence: literal(evidence) } : {}) }] };
  // The guess that uses up a code's attempts also cancels its otp.expired: otp.locked tells its end.
  const guessed = { $cond: [{ $gte: ['$verdict.attempts', maxAttempts] }, { attempts: '$verdict.attempts', lockedAt: now, ...NO_EXPIRY_EVENT }, { attempts: '$verdict.attempts' }] };
  return {
    // A verified payment code's record matches nothing: it answers as unknown, as a removed code does.
    filter: { _id: mailbox, slots: { $elemMatch: { codeId: id, purpose, verifiedAt: { $exists: false } } } },
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
                {
                  case: is('verified'),
                  then: { $filter: { input: { $map: { input: '$slots', in: { $cond: [isIt, { $cond: [keepsRecord, verifiedRecord, null] }, '$$this'] } } }, cond: { $ne: ['$$this', null] } } },
                },
                {
                  case: is('mismatched'),
                  then: { $map: { input: '$slots', in: { $cond: [isIt, { $mergeObjects: ['$$this', guessed] }, '$$this'] } } },
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
      // The lock's event names the code's own payment (the guess may have carried none).
      ...webhookStage({ $and: [is('mismatched'), { $eq: ['$verdict.attempts', maxAttempts] }] }, webhooks?.locked, { transaction: { $ifNull: [{ $first: { $map: { input: { $filter: { input: '$slots', cond: isIt } }, in: '$$this.transaction' } } }, null] } }),
      lifetime(now),
    ],
  };
}

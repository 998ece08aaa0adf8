// The two commands on an address's document that the request path issues: issuing a code and
// checking one. Each is a filter plus an aggregation-pipeline update, so that every rule is
// judged and every counter moved by the server in one atomic step, and a request pays one
// round trip for all its per-address limits. These builders are pure: they only make the
// command documents (the adapter sends them), and mirror the embedded store's logic in
// window-count.ts and memory.store.ts, held to the same contract suite.
import type { Document } from 'mongodb';
import { storedCode, type CheckCommand, type CheckOutcome, type DeliveryInfo, type NewOtp, type OtpRecord, type WindowLimit } from '../otp.store.js';

/**
 * A code as kept in its address's document, one per purpose: an OtpRecord without the
 * address (the document's _id), its id as `codeId`, and a `claim` mark that tells a
 * dispatcher whether the claim it asked for is the one that was taken.
 */
export type SlotDocument = Omit<OtpRecord, 'id' | 'email' | 'delivery'> & {
  codeId: string;
  delivery: DeliveryInfo & { claim?: string };
};

interface WindowDocument {
  count: number;
  resetAt: Date;
}

/** Verdicts as the check pipeline writes them (`until` for `limited`, `attempts` for `mismatched`). */
export interface VerdictDocument {
  result: CheckOutcome['result'];
  attempts?: number;
  until?: Date;
}

/** One per address: its limits and its live codes. Deleted by the TTL index at `expiresAt`. */
export interface AddressDocument {
  _id: string;
  cooldownUntil?: Date | null;
  sends?: WindowDocument;
  /** Times of the latest wrong guesses, at most the budget's size: a sliding window. */
  guesses?: Date[];
  /** When the last of them leaves the window. */
  guessesUntil?: Date;
  /** Missing on an address that was only ever checked (a probe costs a guess; see checkStep). */
  slots?: SlotDocument[];
  /** Id of the code issued last: the change stream's trigger for an email. */
  lastIssued?: string;
  /**
   * "<nonce>|<codeId>[|<codeId>…]", new on every delivery state change: the change stream's
   * trigger for status subscribers (a scalar that always changes, so it is always in the
   * change event's updatedFields).
   */
  deliveryChange?: string;
  /** What the last check decided, read back by the same command. */
  verdict?: VerdictDocument;
  /** When every code has expired and every window has closed. */
  expiresAt: Date;
}

/** One per caller and budget (`request|ip`, `verify|ip`). An object id: never equal to an email. */
export interface ClientDocument {
  _id: { client: string };
  window: WindowDocument;
  expiresAt: Date;
}

/** User-given strings go in as literals: a value starting with "$" must not read a field. */
const literal = (value: unknown) => ({ $literal: value });
const after = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000);

/** The window at `path` is open at `now`. A missing window compares lowest: closed. */
const open = (path: string, now: Date) => ({ $gt: [`$${path}.resetAt`, now] });

/**
 * The window at `path` lets one more through at `now`, as a query filter (an upsert's filter
 * may not use $expr). A missing field is matched by $not, as a closed window.
 */
const allowsQuery = (path: string, limit: WindowLimit, now: Date) => ({
  $or: [{ [`${path}.resetAt`]: { $not: { $gt: now } } }, { [`${path}.count`]: { $lt: limit.max } }],
});

/** The window at `path` after counting one more at `now`. */
const counted = (path: string, limit: WindowLimit, now: Date) => ({
  $cond: [
    open(path, now),
    { count: { $add: [`$${path}.count`, 1] }, resetAt: `$${path}.resetAt` },
    { count: 1, resetAt: after(now, limit.windowSeconds) },
  ],
});

/** The document's life: until its last code expires and its last window closes (now, if nothing is left). */
const lifetime = (now: Date) => ({
  $set: {
    expiresAt: { $ifNull: [{ $max: ['$cooldownUntil', '$sends.resetAt', '$guessesUntil', { $max: '$slots.expiresAt' }] }, now] },
  },
});

/**
 * The guess budget is a sliding window (window-count.ts's SlidingLog): the times of the last
 * `max` counted guesses. These are the times still inside the window at `now`, oldest first.
 */
const liveGuesses = (limit: WindowLimit, now: Date) => ({
  $filter: { input: { $ifNull: ['$guesses', []] }, cond: { $gt: ['$$this', after(now, -limit.windowSeconds)] } },
});

/**
 * A caller's budget: counts one if the window allows it. Refused, the filter matches nothing
 * and the upsert collides with the existing document (duplicate key): the command stops there.
 */
export function clientStep(key: string, limit: WindowLimit, now: Date) {
  return {
    filter: { _id: { client: key }, ...allowsQuery('window', limit, now) } as Document,
    update: [{ $set: { window: counted('window', limit, now) } }, { $set: { expiresAt: '$window.resetAt' } }],
  };
}

/**
 * Issues `otp` with `reference` in its address's document: the cooldown and the send window,
 * when `limits` are given, and the reference's freshness are the filter (a refusal collides
 * as in clientStep); the update counts them, replaces the code for the purpose, and drops
 * codes that have expired.
 */
export function issueStep(otp: NewOtp, reference: string, limits: { cooldownSeconds: number; sends: WindowLimit } | undefined) {
  const now = otp.createdAt;
  // The document keeps the address as its _id and names the code's id codeId.
  const { id: codeId, email: _address, ...code } = storedCode(otp, reference);
  const slot: SlotDocument = { codeId, ...code };
  // The code this one replaces must not carry its reference (collides like a refusal; the
  // adapter then tries the next candidate).
  const fresh = { slots: { $not: { $elemMatch: { purpose: otp.purpose, reference } } } };
  const guard = limits
    ? { ...fresh, cooldownUntil: { $not: { $gt: now } }, ...allowsQuery('sends', limits.sends, now) }
    : fresh;
  const counters = limits
    ? { cooldownUntil: limits.cooldownSeconds > 0 ? after(now, limits.cooldownSeconds) : null, sends: counted('sends', limits.sends, now) }
    : {};
  const others = { $ne: ['$$this.purpose', literal(otp.purpose)] };
  return {
    filter: { _id: otp.email, ...guard } as Document,
    update: [
      {
        $set: {
          ...counters,
          slots: {
            $concatArrays: [
              { $filter: { input: { $ifNull: ['$slots', []] }, cond: { $and: [others, { $gt: ['$$this.expiresAt', now] }] } } },
              [literal(slot)],
            ],
          },
          lastIssued: literal(otp.id),
        },
      },
      lifetime(now),
    ],
  };
}

/** The check as the address's document sees it: the caller's budget is a step of its own. */
export type CheckStepInput = Omit<CheckCommand, 'client'>;

/**
 * Checks a code in its address's document (created if the address has none, to count the
 * guess) and writes the verdict beside it, in this order: the guess budget, the code's
 * presence, expiry, attempt cap, then the hash. A wrong guess is counted on the code; every
 * outcome but a right one or a refusal is counted on the budget; a right one removes the code.
 */
export function checkStep({ email, purpose, codeHash, now, maxAttempts, guesses }: CheckStepInput) {
  const thisPurpose = { $eq: ['$$this.purpose', literal(purpose)] };
  const slot = { $first: { $filter: { input: { $ifNull: ['$slots', []] }, cond: thisPurpose } } };
  const is = (result: VerdictDocument['result']) => ({ $eq: ['$verdict.result', result] });
  return {
    filter: { _id: email },
    update: [
      {
        $set: {
          verdict: {
            $let: {
              vars: { slot },
              in: {
                $switch: {
                  branches: [
                    {
                      // Refused until the oldest of the last `max` guesses leaves the window.
                      case: { $gte: [{ $size: liveGuesses(guesses, now) }, guesses.max] },
                      then: { result: 'limited', until: { $add: [{ $arrayElemAt: [liveGuesses(guesses, now), -guesses.max] }, guesses.windowSeconds * 1000] } },
                    },
                    { case: { $eq: [{ $type: '$$slot' }, 'missing'] }, then: { result: 'not_found' } },
                    { case: { $lte: ['$$slot.expiresAt', now] }, then: { result: 'expired' } },
                    { case: { $gte: ['$$slot.attempts', maxAttempts] }, then: { result: 'too_many_attempts' } },
                    // Equality of two HMACs: timing reveals nothing, as the caller cannot choose a hash.
                    { case: { $eq: ['$$slot.codeHash', literal(codeHash)] }, then: { result: 'verified' } },
                  ],
                  default: { result: 'mismatched', attempts: { $add: ['$$slot.attempts', 1] } },
                },
              },
            },
          },
        },
      },
      {
        $set: {
          slots: {
            $switch: {
              branches: [
                { case: is('verified'), then: { $filter: { input: '$slots', cond: { $not: [thisPurpose] } } } },
                {
                  case: is('mismatched'),
                  then: { $map: { input: '$slots', in: { $cond: [thisPurpose, { $mergeObjects: ['$$this', { attempts: '$verdict.attempts' }] }, '$$this'] } } },
                },
              ],
              default: '$slots',
            },
          },
          // Every check against no live code costs a guess like a wrong one, so probing which
          // addresses have a code is not free; only a right answer (and a refusal) costs nothing.
          guesses: {
            $cond: [
              { $in: ['$verdict.result', ['verified', 'limited']] },
              '$guesses',
              { $slice: [{ $concatArrays: [liveGuesses(guesses, now), [now]] }, -guesses.max] },
            ],
          },
          guessesUntil: { $cond: [{ $in: ['$verdict.result', ['verified', 'limited']] }, '$guessesUntil', after(now, guesses.windowSeconds)] },
        },
      },
      lifetime(now),
    ],
  };
}

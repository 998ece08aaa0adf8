// The building blocks of the address pipelines (address.updates.ts): each is an aggregation
// expression for one rule, and its comment states the rule in words. They only build
// documents; window-count.ts explains, from a document read back, which of them refused.
import type { Document } from 'mongodb';
import type { AttemptBudget, NewWebhook, SendLimits, WindowLimit } from '../otp.store.js';
import { WEBHOOK_KEEP_MS, type EmbeddedWebhook } from './documents.js';

/** User-given strings go in as literals: a value starting with "$" must not read a field. */
export const literal = (value: unknown) => ({ $literal: value });
export const after = (now: Date, seconds: number) => new Date(now.getTime() + seconds * 1000);

/** The window at `path` is open at `now`. A missing window compares lowest: closed. */
export const open = (path: string, now: Date) => ({ $gt: [`$${path}.resetAt`, now] });

/**
 * The window at `path` lets one more through at `now`, as a query filter (an upsert's filter
 * may not use $expr). A missing field is matched by $not, as a closed window.
 */
export const allowsQuery = (path: string, limit: WindowLimit, now: Date) => ({
  $or: [{ [`${path}.resetAt`]: { $not: { $gt: now } } }, { [`${path}.count`]: { $lt: limit.max } }],
});

/** The window at `path` after counting one more at `now`. */
export const counted = (path: string, limit: WindowLimit, now: Date) => ({
  $cond: [
    open(path, now),
    { count: { $add: [`$${path}.count`, 1] }, resetAt: `$${path}.resetAt` },
    { count: 1, resetAt: after(now, limit.windowSeconds) },
  ],
});

/**
 * The document's life: until its last code expires (a payment code's record: until its
 * keepUntil), its last window closes and its last webhook is relayed (now, if nothing is left). `now` may be '$$NOW' (the relay's).
 */
export const lifetime = (now: Date | '$$NOW') => ({
  $set: {
    expiresAt: {
      $ifNull: [{ $max: ['$cooldownUntil', '$sends.resetAt', '$guessesUntil', { $max: '$slots.expiresAt' }, { $max: '$slots.keepUntil' }, { $max: '$intents.until' }, { $max: '$webhooks.keepUntil' }] }, now],
    },
  },
});

/**
 * The guess budget is a sliding window (window-count.ts's SlidingLog): the times of the last
 * `max` counted guesses. These are the times still inside the window at `now`, oldest first.
 */
export const liveGuesses = (limit: WindowLimit, now: Date) => ({
  $filter: { input: { $ifNull: ['$guesses', []] }, cond: { $gt: ['$$this', after(now, -limit.windowSeconds)] } },
});

/**
 * A step that refuses must stop the command it is in (the ordered bulk write of a request's
 * steps: what comes after it, the shared send budgets' counts, must not run). A pipeline cannot
 * raise an error of its own, so this stage makes one: unless `condition` holds it sets `_id` to
 * another value, which MongoDB rejects (ImmutableField, REFUSED_BY_PIPELINE). The update then
 * writes nothing, not even on an upsert's insert, and the bulk write stops there.
 */
export const refuseUnless = (condition: unknown) => ({ $set: { _id: { $cond: [condition, '$_id', 'refused'] } } });

/** The error code of a step that refuseUnless stopped. */
export const REFUSED_BY_PIPELINE = 66;

/** The address's codes unexpired at `now`. */
export const liveSlots = (now: Date) => ({ $filter: { input: { $ifNull: ['$slots', []] }, cond: { $gt: ['$$this.expiresAt', now] } } });

/**
 * The codes an address keeps at `now`: the live ones, and dead payment codes whose record (their
 * timeline and evidence, and an otp.expired still to write) is kept until their keepUntil.
 */
export const keptSlots = (now: Date) => ({
  $filter: { input: { $ifNull: ['$slots', []] }, cond: { $gt: [{ $ifNull: ['$$this.keepUntil', '$$this.expiresAt'] }, now] } },
});

/** A code's merchant event of its unused expiry is cancelled (verified, locked, canceled): merged into its slot. */
export const NO_EXPIRY_EVENT = { onExpiry: null, expiryEventAt: null } as const;

/** The cooldown, then the send window, refuse at `now` (sendRefusal in window-count.ts). */
export const sendRefused = (limits: Omit<SendLimits, 'client'>, now: Date) => ({
  $or: [{ $gt: [{ $ifNull: ['$cooldownUntil', null] }, now] }, { $and: [open('sends', now), { $gte: ['$sends.count', limits.sends.max] }] }],
});

/** The counters after one more email: the cooldown starts again, the send window counts one. */
export const sendCounted = (limits: Omit<SendLimits, 'client'>, now: Date) => ({
  cooldownUntil: limits.cooldownSeconds > 0 ? after(now, limits.cooldownSeconds) : null,
  sends: counted('sends', limits.sends, now),
});

/** Units of the attempt budget held at `now` (attemptsHeld in window-count.ts). */
export const attemptsHeld = ({ maxAttempts, budget }: AttemptBudget, now: Date) => ({
  $add: [
    { $size: liveGuesses(budget, now) },
    { $sum: { $map: { input: liveSlots(now), in: { $max: [0, { $subtract: [maxAttempts, '$$this.attempts'] }] } } } },
  ],
});

/**
 * The verdict on one code (`$$slot`): a dead one first (ended: a payment code canceled or
 * verified, whatever the clock says; expired; then killed by its wrong guesses), as both a
 * check and a resend judge it, then `branches`, else `otherwise`. An ended code's expiry is
 * the time it ended, but a service whose clock is a little behind must not find it live.
 */
export const slotVerdict = (slot: Document, now: Date, maxAttempts: number, branches: Document[], otherwise: Document) => ({
  $let: {
    vars: { slot },
    in: {
      $switch: {
        branches: [
          { case: { $or: [{ $ne: [{ $type: '$$slot.canceledAt' }, 'missing'] }, { $ne: [{ $type: '$$slot.verifiedAt' }, 'missing'] }] }, then: { result: 'expired' } },
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
 * A pipeline stage that adds `webhook` to the document's `webhooks` when `when` holds (an
 * aggregation expression of the same update), leaving them as they were (or missing)
 * otherwise; none without a webhook. `attach`: expressions of the same update for fields of
 * the event's data (see EmbeddedWebhook).
 */
export function webhookStage(when: unknown, webhook: NewWebhook | undefined, attach?: Document): Document[] {
  if (!webhook) return [];
  const embedded = embeddedWebhook(webhook);
  const event = attach ? { $mergeObjects: [literal(embedded), { attach }] } : literal(embedded);
  return [{ $set: { webhooks: { $cond: [when, { $concatArrays: [{ $ifNull: ['$webhooks', []] }, [event]] }, '$webhooks'] } } }];
}

/** A webhook as its address's document keeps it until it is relayed: alive as long as the outbox would keep it. */
export const embeddedWebhook = (webhook: NewWebhook): EmbeddedWebhook => ({ ...webhook, keepUntil: new Date(webhook.createdAt.getTime() + WEBHOOK_KEEP_MS) });

/** The event's payload with its attached fields in its data (see EmbeddedWebhook). */
export function withAttached({ attach, ...event }: EmbeddedWebhook): NewWebhook {
  if (!attach) return event;
  const payload = JSON.parse(event.payload) as { data?: Record<string, unknown> };
  return { ...event, payload: JSON.stringify({ ...payload, data: { ...payload.data, ...attach } }) };
}

// The codes role on MongoDB: issuing, resending and checking a code. Each is one command on
// the address's document (the pipelines of address.updates.ts), with the caller's budget,
// the shared send budgets and a payment intent's marker as documents of their own in the same
// collection, sent as one ordered sequence (with the sequences of the other requests of this
// event-loop turn: write-batch.ts). A refused step writes nothing; one read then says which
// limit refused and for how long (window-count.ts explains the refusal the pipeline made).
import { type Collection, type Document } from 'mongodb';
import {
  checkStep,
  clientStep,
  intentStep,
  issueStep,
  resendStep,
  type AddressDocument,
  type ClientDocument,
  type IntentDocument,
  type ResendVerdictDocument,
  type VerdictDocument,
} from './address.updates.js';
import { toRecord } from './deliveries.js';
import { beforeDeadline, writeDeadline } from './time-bound.js';
import type { WriteBatcher } from './write-batch.js';
import { issueRefusal, refusalMs, sendRefusal, type AddressLimitState, type WindowCount } from '../window-count.js';
import type {
  CheckCommand,
  CheckOutcome,
  ClientLimit,
  CodeStore,
  IntentUse,
  IssueLimit,
  IssueLimits,
  IssueOutcome,
  ResendCommand,
  ResendOutcome,
  SharedBudget,
} from '../codes.js';
import type { NewOtp, OtpRecord } from '../record.js';

const DUPLICATE_KEY = 11000;

/** One update of the claims command: refused, `refusal` reads why (null: it was a race, try again). */
interface Claim {
  filter: Document;
  update: Document[];
  /** It may match its document and change nothing (the address's step, refused): see WriteBatcher. */
  mayChangeNothing?: boolean;
  refusal: () => Promise<{ limit: IssueLimit; retryAfterMs: number } | null>;
}

/** How often a refusal that a re-read shows to be a race (two first requests) is retried. */
const RACE_RETRIES = 3;

/** A stored window as the embedded store's counter, so both judge a refusal with one function. */
const windowCount = (window: { count: number; resetAt: Date } | undefined): WindowCount | undefined =>
  window && { count: window.count, resetAt: window.resetAt.getTime() };

/** What a refused issue reads back: what the shared judges need for the reason and the wait. */
const ISSUE_PROJECTION = { cooldownUntil: 1, sends: 1, guesses: 1, intents: 1, 'slots.codeId': 1, 'slots.expiresAt': 1, 'slots.attempts': 1, 'slots.reference': 1 } as const;

/** An address's document as the shared judges (window-count.ts) read it. */
const limitState = (doc: Partial<AddressDocument>): AddressLimitState => ({
  cooldownUntil: doc.cooldownUntil?.getTime() ?? 0,
  sends: windowCount(doc.sends),
  guesses: doc.guesses?.map((t) => t.getTime()),
  codes: (doc.slots ?? []).map((s) => ({ expiresAt: s.expiresAt.getTime(), attempts: s.attempts })),
});

export class MongoCodes implements CodeStore {
  constructor(
    private readonly addresses: Collection<AddressDocument>,
    private readonly clients: Collection<ClientDocument>,
    private readonly intents: Collection<IntentDocument>,
    private readonly writes: WriteBatcher,
    private readonly timeoutMs: number,
  ) {}

  async issue(otp: NewOtp, limits?: IssueLimits): Promise<IssueOutcome> {
    // The caller's budget, the shared send budgets, the payment intent's marker and the
    // mailbox's update as one ordered bulk write: one command when the code is issued. A refused
    // mailbox writes nothing, so fewer changes than steps mean a refusal (or a taken
    // reference): one read then says which.
    let claims = [
      ...(limits?.client ? [this.clientClaim(limits.client, otp.createdAt)] : []),
      ...(limits?.shared ?? []).map((budget) => this.sharedClaim(budget, otp.createdAt)),
      ...(limits?.intent ? [this.intentClaim(limits.intent, otp.mailbox, otp.createdAt)] : []),
    ];
    for (const reference of otp.references) {
      const address: Claim = { ...issueStep(otp, reference, limits), mayChangeNothing: true, refusal: async () => null };
      const outcome = await this.claim([...claims, address]);
      if ('refused' in outcome) return { issued: false, ...outcome.refused };
      // Changed as many documents as it had steps: issued. Fewer (or not known): one read says what happened.
      if (outcome.changed === claims.length + 1) return { issued: true, reference };
      const doc = await this.addresses.findOne({ _id: otp.mailbox }, { projection: ISSUE_PROJECTION });
      const mine = doc?.slots?.find((slot) => slot.codeId === otp.id);
      if (mine) return { issued: true, reference: mine.reference };
      if (limits?.intent && doc?.intents?.some((i) => i.key === limits.intent!.key && i.until > otp.createdAt)) return { issued: false, retryAfterMs: 0, limit: 'intent' };
      const refusal = limits && doc ? issueRefusal(limitState(doc), limits, otp.createdAt.getTime()) : null;
      if (refusal) return { issued: false, ...refusal };
      // The reference was a live code's: the next candidate, the claims already counted.
      claims = [];
    }
    throw new Error('every reference candidate is taken by a live code of the address');
  }

  async resend(command: ResendCommand): Promise<ResendOutcome> {
    // The caller's budget and the shared send budgets first, in one command.
    const first = [...(command.limits.client ? [this.clientClaim(command.limits.client, command.now)] : []), ...(command.limits.shared ?? []).map((budget) => this.sharedClaim(budget, command.now))];
    if (first.length > 0) {
      const claimed = await this.claim(first);
      if ('refused' in claimed) {
        const { limit, retryAfterMs } = claimed.refused;
        return { result: 'limited', retryAfterMs, limit: limit === 'domain' || limit === 'global' ? limit : 'client' };
      }
    }
    const { filter, update } = resendStep(command);
    const doc = await this.addresses.findOneAndUpdate(filter, this.beforeDeadline(update), {
      returnDocument: 'after',
      projection: { verdict: 1, cooldownUntil: 1, sends: 1, slots: { $elemMatch: { codeId: command.id } } },
    });
    const verdict = doc?.verdict as ResendVerdictDocument | undefined;
    const slot = doc?.slots?.[0];
    if (!verdict || !slot) return { result: 'not_found' };
    switch (verdict.result) {
      case 'expired':
      case 'too_many_attempts':
        return { result: verdict.result };
      case 'refused': {
        const refusal = sendRefusal(limitState(doc), command.limits, command.now.getTime());
        return { result: 'limited', ...(refusal ?? { limit: 'sends', retryAfterMs: 1_000 }) };
      }
      default:
        return { result: 'resent', queued: verdict.result === 'queued', expiresAt: slot.expiresAt, reference: slot.reference };
    }
  }

  async countClient(client: ClientLimit, now: Date): Promise<number | null> {
    const claimed = await this.claim([this.clientClaim(client, now)]);
    return 'refused' in claimed ? claimed.refused.retryAfterMs : null;
  }

  async check(command: CheckCommand): Promise<CheckOutcome> {
    // As for issue: the caller's budget first, in its own command.
    if (command.client) {
      const claimed = await this.claim([this.clientClaim(command.client, command.now)]);
      if ('refused' in claimed) return { result: 'limited', retryAfterMs: claimed.refused.retryAfterMs };
    }
    const { filter, update } = checkStep(command);
    // No upsert: a code that is not this address's matches nothing, and nothing is written.
    const doc = await this.addresses.findOneAndUpdate(filter, this.beforeDeadline(update), { returnDocument: 'after', projection: { verdict: 1 } });
    const verdict = doc?.verdict as VerdictDocument | undefined;
    if (!verdict) return { result: 'not_found' };
    switch (verdict.result) {
      case 'mismatched':
        return { result: 'mismatched', attempts: verdict.attempts! };
      case 'verified':
      case 'expired':
      case 'too_many_attempts':
        return { result: verdict.result };
      default:
        return { result: 'not_found' };
    }
  }

  async findLatest(mailbox: string, purpose: string): Promise<OtpRecord | null> {
    const doc = await this.addresses.findOne({ _id: mailbox }, { projection: { slots: 1 } });
    // Slots are kept in issue order: the last is the newest.
    const slot = doc?.slots?.findLast((s) => s.purpose === purpose);
    return slot ? toRecord(mailbox, slot) : null;
  }

  /** A caller's budget as a claim: refused, it reads back how long to wait. */
  private clientClaim({ key, limit }: ClientLimit, now: Date): Claim {
    return {
      ...clientStep(key, limit, now),
      refusal: async () => {
        const doc = await this.clients.findOne({ _id: { client: key } });
        const wait = refusalMs(windowCount(doc?.window), limit, now.getTime());
        return wait === null ? null : { limit: 'client', retryAfterMs: wait };
      },
    };
  }

  /** A shared send budget as a claim: counted like a caller's, refused under its own name. */
  private sharedClaim(budget: SharedBudget, now: Date): Claim {
    const claim = this.clientClaim(budget, now);
    return { ...claim, refusal: async () => {
      const refusal = await claim.refusal();
      return refusal && { limit: budget.name, retryAfterMs: refusal.retryAfterMs };
    } };
  }

  /** A payment intent's marker as a claim: refused when another mailbox holds it. */
  private intentClaim(intent: IntentUse, mailbox: string, now: Date): Claim {
    return {
      ...intentStep(intent, mailbox, now),
      refusal: async () => {
        const doc = await this.intents.findOne({ _id: { intent: intent.key } });
        return doc && doc.email !== mailbox ? { limit: 'intent', retryAfterMs: 0 } : null;
      },
    };
  }

  /** A request's write, refused by mongod itself if it runs after the request has given up. */
  private beforeDeadline(update: Document[]): Document[] {
    return beforeDeadline(update, writeDeadline(this.timeoutMs));
  }

  /**
   * Sends the claims as one ordered sequence, in one bulk write with those of the requests of
   * the same turn. A refused claim collides on its _id and stops the rest; one more read says
   * why (and how long to wait). When the read shows no refusal after all (two first requests
   * raced to create the same document), the claims from there on are tried again. Otherwise
   * returns how many documents the claims changed (null: not known, see WriteBatcher).
   */
  private async claim(claims: Claim[]): Promise<{ refused: { limit: IssueLimit; retryAfterMs: number } } | { changed: number | null }> {
    let remaining = claims;
    let changed = 0;
    for (let attempt = 0; remaining.length > 0; attempt += 1) {
      const deadline = writeDeadline(this.timeoutMs);
      const operations = remaining.map(({ filter, update }) => ({ updateOne: { filter, update: beforeDeadline(update, deadline), upsert: true } }));
      // With the claims of the other requests of this turn, in one command (mongo/write-batch.ts).
      const result = await this.writes.write(operations, remaining.some((c) => c.mayChangeNothing));
      if ('changed' in result) return { changed: result.changed === null ? null : changed + result.changed };
      if (result.code !== DUPLICATE_KEY) throw result.error;
      const refused = remaining[result.failedAt]!;
      const refusal = await refused.refusal();
      if (refusal) return { refused: refusal };
      if (attempt >= RACE_RETRIES) throw result.error;
      // The steps before the collision went through: counted, and not sent again.
      changed += result.failedAt;
      remaining = remaining.slice(result.failedAt);
    }
    return { changed };
  }
}

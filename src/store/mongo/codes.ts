// The codes role on MongoDB: issuing, resending and checking a code. Each is one command on
// the address's document (the pipelines of address.updates.ts), with the caller's budget,
// the shared send budgets and the single-use markers as documents of their own in the same
// collection, sent as one ordered sequence (with the sequences of the other requests of this
// event-loop turn: write-batch.ts). A refused step fails and writes nothing, and the steps
// after it do not run; one read then says which limit refused and for how long
// (window-count.ts explains the refusal the pipeline made).
import { type Collection, type Document, type Filter } from 'mongodb';
import {
  budgetCount,
  budgetGate,
  checkStep,
  clientStep,
  intentStep,
  issueStep,
  onceStep,
  resendStep,
  type AddressDocument,
  type ClientDocument,
  type IntentDocument,
  type SlotDocument,
  type VerdictDocument,
} from './address.updates.js';
import { REFUSED_BY_PIPELINE } from './stages.js';
import { toRecord } from './deliveries.js';
import { beforeDeadline, writeDeadline } from './time-bound.js';
import type { WriteBatcher } from './write-batch.js';
import { issueRefusal, refusalMs, resendRefusal, type AddressLimitState, type WindowCount } from '../window-count.js';
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
  SingleUse,
} from '../codes.js';
import type { NewOtp, OtpRecord } from '../record.js';

const DUPLICATE_KEY = 11000;

/**
 * Why a step refused: a limit; or the address's step: a reference a live code holds (issue),
 * a code not queued again (resend: its reader says why).
 */
type StepRefusal = { limit: IssueLimit; retryAfterMs: number; budget?: string } | { limit: 'reference' | 'not_queued' };

/** The spent shared budget's key, when one refused. */
const budgetKey = (refusal: { budget?: string }) => (refusal.budget ? { budget: refusal.budget } : {});

/** One step of a request's command: refused, `refusal` reads why (null: it was a race, try again). */
interface Claim {
  filter: Document;
  update: Document[];
  refusal: () => Promise<StepRefusal | null>;
}

/** How often a refusal that a re-read shows to be a race (two first requests) is retried. */
const RACE_RETRIES = 3;

/** A payment code canceled or verified is dead whatever the clock says (slotVerdict's first rule). */
const ended = (slot: Pick<SlotDocument, 'canceledAt' | 'verifiedAt'>): { result: 'expired' } | null => (slot.canceledAt || slot.verifiedAt ? { result: 'expired' } : null);

/** A stored window as the judges' counter (window-count.ts). */
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
    // One ordered bulk write: the caller's budget, the shared send budgets' gates, the bot
    // check's and the payment intent's single-use markers, the address's step, and last the
    // shared budgets' counts. A step that refuses stops the command there, so the budgets count
    // only a code that was issued.
    const now = otp.createdAt;
    let before = [
      ...this.clientClaims(limits?.client, now),
      ...(limits?.shared ?? []).map((budget) => this.budgetGate(budget, now)),
      ...(limits?.challenge ? [this.onceClaim(limits.challenge)] : []),
      ...(limits?.intent ? [this.intentClaim(limits.intent, otp.mailbox, now)] : []),
    ];
    const counts = this.budgetCounts(limits?.shared, now);
    for (const reference of otp.references) {
      const address: Claim = { ...issueStep(otp, reference, limits), refusal: () => this.issueRefusal(otp, reference, limits) };
      const refused = await this.claim([...before, address, ...counts]);
      if (!refused) return { issued: true, reference };
      if ('retryAfterMs' in refused) return { issued: false, limit: refused.limit, retryAfterMs: refused.retryAfterMs, ...budgetKey(refused) };
      // The reference was a live code's: the next candidate, the steps before it already counted.
      before = [];
    }
    throw new Error('every reference candidate is taken by a live code of the address');
  }

  async resend(command: ResendCommand): Promise<ResendOutcome> {
    // The code is read first: whether it can be sent again (alive, not in the address's
    // cooldown or past its send window, its last email gone), and which shared budgets it
    // draws on (its merchant's, when it confirms a payment). Then one ordered bulk write: the
    // caller's budget, and only for a code to queue, the budgets' gates, the resend (judged
    // again, atomically) and the budgets' counts. An unknown or refused code costs the caller's
    // budget alone.
    const { now, limits } = command;
    // The caller's counter is read in the same command: a refused caller is told its wait without another read.
    const read = await this.addresses
      .find({ _id: { $in: [command.mailbox, ...(limits.client ? [{ client: limits.client.key }] : [])] } } as Filter<AddressDocument>, {
        projection: { cooldownUntil: 1, sends: 1, window: 1, slots: { $elemMatch: { codeId: command.id } } },
      })
      .toArray();
    const doc = read.find((d) => d._id === command.mailbox);
    const counter = (read.find((d) => d._id !== command.mailbox) as unknown as ClientDocument | undefined)?.window;
    const slot = doc?.slots?.[0];
    const dead = slot ? (ended(slot) ?? resendRefusal(limitState(doc), { expiresAt: slot.expiresAt.getTime(), attempts: slot.attempts }, command, now.getTime())) : null;
    const onItsWay = slot?.delivery.state === 'pending' || slot?.delivery.state === 'sending';
    const toQueue = slot !== undefined && dead === null && !onItsWay;
    const shared = toQueue ? command.sharedFor(slot.transaction?.merchant ?? null) : [];
    const refused = await this.claim([
      ...this.clientClaims(limits.client, now, counter),
      ...shared.map((budget) => this.budgetGate(budget, now)),
      ...(toQueue ? [{ ...resendStep(command), refusal: async () => ({ limit: 'not_queued' as const }) }] : []),
      ...this.budgetCounts(shared, now),
    ]);
    if (refused && 'retryAfterMs' in refused) {
      const { limit, retryAfterMs } = refused;
      return { result: 'limited', retryAfterMs, limit: limit === 'domain' || limit === 'global' || limit === 'merchant' ? limit : 'client', ...budgetKey(refused) };
    }
    if (!slot) return { result: 'not_found' };
    if (dead) return dead;
    if (refused) {
      // The pipeline refused what the read let through: a concurrent request changed the code
      // meanwhile (queued it, started the cooldown, used it up). One more read says which.
      const latest = await this.addresses.findOne({ _id: command.mailbox }, { projection: { cooldownUntil: 1, sends: 1, slots: { $elemMatch: { codeId: command.id } } } });
      const code = latest?.slots?.[0];
      if (!code) return { result: 'not_found' };
      const why = ended(code) ?? resendRefusal(limitState(latest), { expiresAt: code.expiresAt.getTime(), attempts: code.attempts }, command, now.getTime());
      if (why) return why;
    }
    // Queued; or its email was on its way (then nothing was queued or counted).
    return { result: 'resent', queued: toQueue && !refused, expiresAt: slot.expiresAt, reference: slot.reference };
  }

  async countClient(client: ClientLimit, now: Date): Promise<number | null> {
    const refused = await this.claim(this.clientClaims(client, now));
    return refused && 'retryAfterMs' in refused ? refused.retryAfterMs : null;
  }

  async check(command: CheckCommand): Promise<CheckOutcome> {
    // As for issue: the caller's budget first, in its own command.
    if (command.client) {
      const refused = await this.claim(this.clientClaims(command.client, command.now));
      if (refused && 'retryAfterMs' in refused) return { result: 'limited', retryAfterMs: refused.retryAfterMs };
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

  async findCode(mailbox: string, id: string): Promise<OtpRecord | null> {
    const doc = await this.addresses.findOne({ _id: mailbox }, { projection: { slots: { $elemMatch: { codeId: id } } } });
    const slot = doc?.slots?.[0];
    return slot ? toRecord(mailbox, slot) : null;
  }

  async findLatest(mailbox: string, purpose: string): Promise<OtpRecord | null> {
    const doc = await this.addresses.findOne({ _id: mailbox }, { projection: { slots: 1 } });
    // Slots are kept in issue order: the last is the newest.
    const slot = doc?.slots?.findLast((s) => s.purpose === purpose);
    return slot ? toRecord(mailbox, slot) : null;
  }

  /** A caller's budget and its network's (see ClientLimit), as claims; none without one. */
  private clientClaims(client: ClientLimit | undefined, now: Date, known?: ClientDocument['window']): Claim[] {
    if (!client) return [];
    return [this.clientClaim(client, now, known), ...(client.network ? [this.clientClaim(client.network, now)] : [])];
  }

  /**
   * A caller's budget as a claim: refused, it reads back how long to wait (from `known`, the
   * counter as read just before, when that already refuses: no second read).
   */
  private clientClaim({ key, limit }: ClientLimit, now: Date, known?: ClientDocument['window']): Claim {
    return {
      ...clientStep(key, limit, now),
      refusal: async () => {
        const window = known && refusalMs(windowCount(known), limit, now.getTime()) !== null ? known : (await this.clients.findOne({ _id: { client: key } }))?.window;
        const wait = refusalMs(windowCount(window), limit, now.getTime());
        return wait === null ? null : { limit: 'client', retryAfterMs: wait };
      },
    };
  }

  /** A shared send budget's gate as a claim: refused under the budget's own name while it is spent. */
  private budgetGate(budget: SharedBudget, now: Date): Claim {
    const asClient = this.clientClaim(budget, now);
    return { ...budgetGate(budget.key, budget.limit, now), refusal: async () => {
      const refusal = await asClient.refusal();
      return refusal && 'retryAfterMs' in refusal ? { limit: budget.name, retryAfterMs: refusal.retryAfterMs, budget: budget.key } : null;
    } };
  }

  /** The shared send budgets' counts: applied only, never refused. */
  private budgetCounts(budgets: readonly SharedBudget[] | undefined, now: Date): Claim[] {
    return (budgets ?? []).map((budget) => ({ ...budgetCount(budget.key, budget.limit, now), refusal: async () => null }));
  }

  /** Why the address's step refused to issue, read back (null: nothing refuses now, a race). */
  private async issueRefusal(otp: NewOtp, reference: string, limits: IssueLimits | undefined): Promise<StepRefusal | null> {
    const doc = await this.addresses.findOne({ _id: otp.mailbox }, { projection: ISSUE_PROJECTION });
    if (!doc) return null;
    if (limits?.intent && doc.intents?.some((i) => i.key === limits.intent!.key && i.until > otp.createdAt)) return { limit: 'intent', retryAfterMs: 0 };
    const refusal = limits ? issueRefusal(limitState(doc), limits, otp.createdAt.getTime()) : null;
    if (refusal) return refusal;
    return doc.slots?.some((s) => s.reference === reference && s.expiresAt > otp.createdAt) ? { limit: 'reference' } : null;
  }

  /** A bot check's single use as a claim: refused when its marker is there already. */
  private onceClaim(use: SingleUse): Claim {
    return { ...onceStep(use), refusal: async () => ({ limit: 'challenge', retryAfterMs: 0 }) };
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
   * Sends the steps as one ordered sequence, in one bulk write with those of the requests of
   * the same turn (write-batch.ts). A refused step fails (a duplicate key, or refuseUnless) and
   * stops the rest; one more read says why (and how long to wait). When the read shows no
   * refusal after all (two first requests raced to create the same document), the steps from
   * there on are tried again. Returns the refusal, or null when every step was applied.
   */
  private async claim(claims: Claim[]): Promise<StepRefusal | null> {
    let remaining = claims;
    for (let attempt = 0; remaining.length > 0; attempt += 1) {
      const deadline = writeDeadline(this.timeoutMs);
      const operations = remaining.map(({ filter, update }) => ({ updateOne: { filter, update: beforeDeadline(update, deadline), upsert: true } }));
      // With the steps of the other requests of this turn, in one command (mongo/write-batch.ts).
      const result = await this.writes.write(operations);
      if (!('failedAt' in result)) return null;
      if (result.code !== DUPLICATE_KEY && result.code !== REFUSED_BY_PIPELINE) throw result.error;
      const refused = remaining[result.failedAt]!;
      const refusal = await refused.refusal();
      if (refusal) return refusal;
      if (attempt >= RACE_RETRIES) throw result.error;
      // The steps before the refused one went through: counted, and not sent again.
      remaining = remaining.slice(result.failedAt);
    }
    return null;
  }
}

// Deliveries on MongoDB: the dispatcher's claims, leases and outcomes, SendGrid's events, and
// the status a frontend reads, all on the slots of the address documents. Leases and next
// attempts are set and compared on the database's clock ($$NOW); every state change sets a fresh
// `deliveryChange` on its document for the status feed (delivery-feed.ts).
import { ObjectId, type AnyBulkWriteOperation, type Collection, type Document } from 'mongodb';
import {
  completedDelivery,
  type Completion,
  MAX_RECORDED_EVENTS,
  type DeliveryMove,
  type DeliveryMoveResult,
  type DeliveryOutcome,
  type DeliveryStatus,
  type NewWebhook,
  type OtpRecord,
} from '../otp.store.js';
import type { AddressDocument, SlotDocument } from './documents.js';
import { lifetime, webhookStage } from './stages.js';

/** A claim whose lease has run out, on the database's clock. */
const leaseLapsed = (slot: string) => ({ $lte: [`${slot}.delivery.leaseUntil`, '$$NOW'] });

/** Pending and past its next attempt time (none: at once), on the database's clock. */
const pendingDue = (slot: string) => ({
  $and: [{ $eq: [`${slot}.delivery.state`, 'pending'] }, { $lte: [{ $ifNull: [`${slot}.delivery.nextAttemptAt`, new Date(0)] }, '$$NOW'] }],
});

/** Replaces the slots for which `test` holds with `change(slot)` merged in. */
const updateSlots = (test: Document, change: Document) => ({
  $map: { input: '$slots', in: { $cond: [test, { $mergeObjects: ['$$this', change] }, '$$this'] } },
});

/** A new `deliveryChange` naming `ids` (see AddressDocument). */
const deliveryChange = (ids: string) => ({ $concat: [new ObjectId().toHexString(), '|', ids] });

/** A slot as the record the rest of the service knows. */
export const toRecord = (mailbox: string, { codeId, email, delivery: { claim: _claim, ...delivery }, ...rest }: SlotDocument): OtpRecord => ({
  id: codeId,
  email: email ?? mailbox,
  mailbox,
  ...rest,
  delivery,
});

/**
 * Slots of `ids` still claimed by `worker`: as a query filter's $elemMatch (`match`), and as
 * an aggregation test on `$$this` inside the slots' $map (`test`).
 */
const heldBy = (ids: readonly string[], worker: string) => ({
  match: { codeId: { $in: [...ids] }, 'delivery.state': 'sending', 'delivery.claimedBy': worker },
  test: { $and: [{ $in: ['$$this.codeId', { $literal: [...ids] }] }, { $eq: ['$$this.delivery.state', 'sending'] }, { $eq: ['$$this.delivery.claimedBy', { $literal: worker }] }] },
});

/**
 * The update that records `outcome` on the code's slot (the filter: `worker` holds its claim),
 * with `mark` as its claim mark. The sealed code stays while the code lives, for a retry or a
 * resend; the webhook given, if any, is written in the same step.
 */
function completionUpdate(id: string, worker: string, outcome: DeliveryOutcome, mark: string, webhook: NewWebhook | undefined): Document[] {
  const serverClock: { now: unknown; after: (ms: number) => unknown } = { now: '$$NOW', after: (ms) => ({ $add: ['$$NOW', ms] }) };
  const delivery = completedDelivery(outcome, serverClock, '$$this.delivery.events');
  return [
    {
      $set: {
        deliveryChange: deliveryChange(id),
        slots: updateSlots(heldBy([id], worker).test, {
          delivery: { ...delivery, error: { $literal: delivery.error }, claim: { $literal: mark } },
          ...(outcome.state === 'sent' && outcome.shown ? { shown: { $literal: outcome.shown } } : {}),
        }),
      },
    },
    // Whatever event the dispatcher handed over is written with the outcome; which outcome
    // carries one is the dispatcher's decision, never the store's.
    ...(webhook ? [...webhookStage(true, webhook), lifetime('$$NOW')] : []),
  ];
}

export class MongoDeliveries {
  constructor(
    private readonly addresses: Collection<AddressDocument>,
    /** Runs a step again while the store is unreachable for now (see MongoOtpStore). */
    private readonly retry: <T>(step: () => Promise<T>) => Promise<T>,
  ) {}

  async claimDelivery(id: string, worker: string, leaseMs: number): Promise<OtpRecord | null> {
    return (await this.claimDeliveries([id], worker, leaseMs))[0] ?? null;
  }

  async claimDeliveries(ids: readonly string[], worker: string, leaseMs: number): Promise<OtpRecord[]> {
    if (ids.length === 0) return [];
    // $$NOW is the server's clock: every replica compares leases on the same time. Each
    // document's update is atomic, so of two dispatchers claiming one code, one gets it; the
    // claim mark tells this caller which of the codes it then reads are the ones it took.
    const claim = `${worker}/${new ObjectId().toHexString()}`;
    const wanted = [...ids];
    // A payment code verified or canceled while its email waited (its record stays) is not sent again.
    const ended = { $or: [{ $ne: [{ $type: '$$this.verifiedAt' }, 'missing'] }, { $ne: [{ $type: '$$this.canceledAt' }, 'missing'] }] };
    const claimable = {
      $and: [
        { $in: ['$$this.codeId', { $literal: wanted }] },
        { $not: [ended] },
        { $or: [pendingDue('$$this'), { $and: [{ $eq: ['$$this.delivery.state', 'sending'] }, leaseLapsed('$$this')] }] },
      ],
    };
    const claimed = {
      state: 'sending',
      claimedBy: { $literal: worker },
      leaseUntil: { $add: ['$$NOW', leaseMs] },
      nextAttemptAt: null,
      updatedAt: '$$NOW',
      claim: { $literal: claim },
    };
    // The ids this update claims in the document, for status subscribers; unchanged when none.
    const claimedIds = { $reduce: { input: { $filter: { input: '$slots', cond: claimable } }, initialValue: '', in: { $concat: ['$$value', '|', '$$this.codeId'] } } };
    // An updateMany is not a retryable write: after an election it fails where a single-document
    // update would have been retried by the driver. Running both steps again with the same
    // claim mark is safe (what this call already claimed is found by its mark, not claimed twice).
    return this.retry(async () => {
      await this.addresses.updateMany({ 'slots.codeId': { $in: wanted } }, [
        {
          $set: {
            deliveryChange: { $let: { vars: { ids: claimedIds }, in: { $cond: [{ $eq: ['$$ids', ''] }, '$deliveryChange', { $concat: [claim, '$$ids'] }] } } },
            slots: updateSlots(claimable, { delivery: { $mergeObjects: ['$$this.delivery', claimed] } }),
          },
        },
      ]);
      const docs = await this.addresses.find({ 'slots.codeId': { $in: wanted } }, { projection: { slots: 1 } }).toArray();
      return docs.flatMap((doc) => (doc.slots ?? []).filter((slot) => slot.delivery.claim === claim).map((slot) => toRecord(doc._id, slot)));
    });
  }

  async renewLeases(ids: readonly string[], worker: string, leaseMs: number): Promise<number> {
    const held = heldBy(ids, worker);
    const result = await this.addresses.updateMany({ slots: { $elemMatch: held.match } }, [
      { $set: { slots: { $map: { input: '$slots', in: { $cond: [held.test, { $mergeObjects: ['$$this', { delivery: { $mergeObjects: ['$$this.delivery', { leaseUntil: { $add: ['$$NOW', leaseMs] } }] } }] }, '$$this'] } } } } },
    ]);
    return result.matchedCount;
  }

  async completeDelivery(id: string, worker: string, outcome: DeliveryOutcome, webhook?: NewWebhook): Promise<boolean> {
    return (await this.completeDeliveries(worker, [{ id, outcome, webhook }]))[0]!;
  }

  async completeDeliveries(worker: string, completions: readonly Completion[]): Promise<boolean[]> {
    if (completions.length === 0) return [];
    // Each outcome replaces the claim mark with this call's mark: so when fewer slots changed
    // than were sent, one read tells which claims this dispatcher still held (a claim that
    // lapsed and was taken by another keeps the other's mark).
    const mark = `done/${new ObjectId().toHexString()}`;
    const operations = completions.map(({ id, mailbox, outcome, webhook }) => ({
      updateOne: { filter: { ...(mailbox === undefined ? {} : { _id: mailbox }), slots: { $elemMatch: heldBy([id], worker).match } }, update: completionUpdate(id, worker, outcome, mark, webhook) },
    }));
    // Unordered: one refused or lost claim does not hold back the others. Every updateOne is
    // a retryable write, so the driver retries the command once after an election.
    const result = await this.addresses.bulkWrite(operations as AnyBulkWriteOperation<AddressDocument>[], { ordered: false });
    if (result.modifiedCount === completions.length) return completions.map(() => true);
    const ids = completions.map((c) => c.id);
    const docs = await this.addresses.find({ 'slots.codeId': { $in: ids } }, { projection: { 'slots.codeId': 1, 'slots.delivery.claim': 1 } }).toArray();
    const recorded = new Set(docs.flatMap((doc) => (doc.slots ?? []).filter((slot) => slot.delivery.claim === mark).map((slot) => slot.codeId)));
    return ids.map((id) => recorded.has(id));
  }

  async recordDeliveryMove(id: string, event: DeliveryMove, webhook?: NewWebhook): Promise<DeliveryMoveResult> {
    const isIt = { $eq: ['$$this.codeId', { $literal: id }] };
    const isNew = { $not: [{ $in: [{ $literal: event.eventId }, { $ifNull: ['$$this.delivery.events', []] }] }] };
    const moves = event.to === null ? false : { $in: ['$$this.delivery.state', { $literal: event.from }] };
    // Whether the event moves the code's state (read before the slots change below).
    const applies = { $anyElementTrue: [{ $map: { input: '$slots', in: { $and: [isIt, isNew, moves] } } }] };
    // One atomic step: the event id is kept (the latest few) and the state moved when it may;
    // the document before the update tells which of the two happened.
    const before = await this.addresses.findOneAndUpdate(
      // Events for a code that has expired are not recorded (a query filter cannot read $$NOW).
      { slots: { $elemMatch: { codeId: id, expiresAt: { $gt: new Date() } } } },
      [
        {
          $set: {
            deliveryChange: { $cond: [applies, deliveryChange(id), '$deliveryChange'] },
            ...(webhook ? { applying: applies } : {}),
            slots: updateSlots({ $and: [isIt, isNew] }, {
              delivery: {
                $mergeObjects: [
                  '$$this.delivery',
                  { events: { $slice: [{ $concatArrays: [{ $ifNull: ['$$this.delivery.events', []] }, [{ $literal: event.eventId }]] }, -MAX_RECORDED_EVENTS] } },
                  { $cond: [moves, { state: { $literal: event.to }, updatedAt: '$$NOW' }, {}] },
                ],
              },
            }),
          },
        },
        // The merchant's event, in the same step as the move it reports.
        ...(webhook ? [...webhookStage('$applying', webhook), { $unset: 'applying' }, lifetime('$$NOW')] : []),
      ],
      { returnDocument: 'before', projection: { slots: 1 } },
    );
    const slot = before?.slots?.find((s) => s.codeId === id);
    if (!slot) return 'unknown';
    if ((slot.delivery.events ?? []).includes(event.eventId)) return 'duplicate';
    return event.to !== null && event.from.includes(slot.delivery.state) ? 'applied' : 'recorded';
  }

  async findById(id: string): Promise<OtpRecord | null> {
    const doc = await this.addresses.findOne({ 'slots.codeId': id }, { projection: { slots: { $elemMatch: { codeId: id } } } });
    const slot = doc?.slots?.[0];
    return slot ? toRecord(doc._id, slot) : null;
  }

  async deliveryStatus(id: string): Promise<DeliveryStatus | null> {
    const record = await this.findById(id);
    return record ? { state: record.delivery.state, updatedAt: record.delivery.updatedAt, expiresAt: record.expiresAt } : null;
  }

  async findDueDeliveries(now: Date, pendingBefore: Date, limit: number): Promise<string[]> {
    const docs = await this.addresses
      .aggregate<{ codeId: string }>([
        { $match: { slots: { $elemMatch: { 'delivery.state': { $in: ['pending', 'sending'] }, expiresAt: { $gt: now } } } } },
        { $unwind: '$slots' },
        {
          $match: {
            'slots.expiresAt': { $gt: now },
            $or: [
              { 'slots.delivery.state': 'pending', 'slots.createdAt': { $lt: pendingBefore }, $expr: pendingDue('$slots') },
              { 'slots.delivery.state': 'sending', $expr: leaseLapsed('$slots') },
            ],
          },
        },
        { $limit: limit },
        { $project: { _id: 0, codeId: '$slots.codeId' } },
      ])
      .toArray();
    return docs.map((d) => d.codeId);
  }

  async oldestPendingDelivery(now: Date): Promise<Date | null> {
    const waiting = { 'delivery.state': { $in: ['pending', 'sending'] }, expiresAt: { $gt: now } };
    const [oldest] = await this.addresses
      .aggregate<{ createdAt: Date }>([
        { $match: { slots: { $elemMatch: waiting } } },
        { $unwind: '$slots' },
        { $match: { 'slots.delivery.state': waiting['delivery.state'], 'slots.expiresAt': waiting.expiresAt } },
        { $group: { _id: null, createdAt: { $min: '$slots.createdAt' } } },
      ])
      .toArray();
    return oldest?.createdAt ?? null;
  }
}

// Payment records on MongoDB: a payment code is a slot of its address's document (kept after it
// dies until its keepUntil); its intent's marker names the mailbox, as long. Looking one up
// reads with the merchant in the filter, so another merchant's payment is never read.
import { ObjectId, type Collection, type Document, type Filter } from 'mongodb';
import type { CancelCommand, OtpRecord, PaymentLookup, PaymentRecords } from '../otp.store.js';
import type { AddressDocument, IntentDocument } from './documents.js';
import { toRecord } from './deliveries.js';
import { lifetime, literal, NO_EXPIRY_EVENT, webhookStage } from './stages.js';

export class MongoPaymentRecords implements PaymentRecords {
  constructor(
    private readonly addresses: Collection<AddressDocument>,
    private readonly intents: Collection<IntentDocument>,
  ) {}

  async createIndexes(): Promise<void> {
    await this.addresses.createIndexes([
      // Only documents with a payment code whose unused death is still to be told.
      { key: { 'slots.expiryEventAt': 1 }, name: 'slot_expiry_event', sparse: true },
    ]);
  }

  async findPayment(merchant: string, lookup: PaymentLookup): Promise<OtpRecord | null> {
    // Only the merchant's own: its id is in the filter, so another merchant's code is never read.
    let mine: Document;
    let where: Document = {};
    if ('intentId' in lookup) {
      // The intent's marker names the mailbox; an intent brings one code at most (single use).
      const marker = await this.intents.findOne({ _id: { intent: `${merchant}|${lookup.intentId}` } }, { projection: { email: 1 } });
      if (!marker) return null;
      where = { _id: marker.email };
      mine = { 'transaction.merchant': merchant, 'transaction.intentId': lookup.intentId };
    } else {
      mine = { codeId: lookup.requestId, 'transaction.merchant': merchant };
    }
    const doc = await this.addresses.findOne({ ...where, slots: { $elemMatch: mine } } as Filter<AddressDocument>, { projection: { slots: { $elemMatch: mine } } });
    const slot = doc?.slots?.[0];
    return slot ? toRecord(doc._id, slot) : null;
  }

  async cancelPayment({ mailbox, id, merchant, now, maxAttempts, webhook }: CancelCommand): Promise<boolean> {
    // Only a live code of this merchant's: unexpired, not verified, not already canceled, with
    // attempts left. Anything else matches nothing, and nothing is written.
    const live = { codeId: id, 'transaction.merchant': merchant, expiresAt: { $gt: now }, attempts: { $lt: maxAttempts }, verifiedAt: { $exists: false }, canceledAt: { $exists: false } };
    const isIt = { $eq: ['$$this.codeId', literal(id)] };
    // An email still waiting is never sent: it fails now, as canceled (one being handed to
    // SendGrid at this moment may still arrive, with a dead code in it).
    const delivery = {
      $cond: [
        { $eq: ['$$this.delivery.state', 'pending'] },
        { $mergeObjects: ['$$this.delivery', { state: 'failed', error: 'canceled by the merchant before it was sent', updatedAt: now, nextAttemptAt: null }] },
        '$$this.delivery',
      ],
    };
    const canceled = { $mergeObjects: ['$$this', { canceledAt: now, expiresAt: now, sealedCode: null, delivery, ...NO_EXPIRY_EVENT }] };
    const result = await this.addresses.updateOne({ _id: mailbox, slots: { $elemMatch: live } } as Filter<AddressDocument>, [
      {
        $set: {
          slots: { $map: { input: '$slots', in: { $cond: [isIt, canceled, '$$this'] } } },
          // Status subscribers hear of it (the email's state may have moved).
          deliveryChange: { $concat: [new ObjectId().toHexString(), '|', literal(id)] },
        },
      },
      // The merchant's event, in the same step as the cancellation it reports.
      ...webhookStage(true, webhook),
      lifetime(now),
    ]);
    return result.modifiedCount === 1;
  }

  async expirePayments(limit: number): Promise<number> {
    // Rule: a payment code that reached its expiry unused (not verified, locked or canceled:
    // those steps cleared its event) gets its otp.expired, made at the request, written beside
    // the address's waiting events; the code's record stays. Judged on the database's clock.
    const due = { $and: [{ $ne: [{ $ifNull: ['$$this.expiryEventAt', null] }, null] }, { $lte: ['$$this.expiryEventAt', '$$NOW'] }] };
    const docs = await this.addresses.find({ 'slots.expiryEventAt': { $lte: new Date() } } as Filter<AddressDocument>, { projection: { _id: 1 }, limit }).toArray();
    if (docs.length === 0) return 0;
    const update: Document[] = [
      {
        $set: {
          webhooks: {
            $concatArrays: [{ $ifNull: ['$webhooks', []] }, { $map: { input: { $filter: { input: '$slots', cond: { $and: [due, { $ne: [{ $ifNull: ['$$this.onExpiry', null] }, null] }] } } }, in: '$$this.onExpiry' } }],
          },
          slots: { $map: { input: '$slots', in: { $cond: [due, { $mergeObjects: ['$$this', NO_EXPIRY_EVENT] }, '$$this'] } } },
        },
      },
      { $set: { webhooks: { $cond: [{ $eq: [{ $size: '$webhooks' }, 0] }, '$$REMOVE', '$webhooks'] } } },
      lifetime('$$NOW'),
    ];
    await this.addresses.bulkWrite(
      docs.map((doc) => ({ updateOne: { filter: { _id: doc._id }, update } })),
      { ordered: false },
    );
    return docs.length;
  }
}

// Deliveries on MongoDB: the dispatcher's claims, leases and outcomes, SendGrid's events, and
// the status a frontend reads, all on the slots of the address documents. Leases and next
// attempts are set and compared on the database's clock ($$NOW); every state change sets a fresh
// `deliveryChange` on its document for the status feed (delivery-feed.ts).
import { ObjectId } from 'mongodb';
import { completedDelivery, MAX_RECORDED_EVENTS, } from '../otp.store.js';
import { lifetime, webhookStage } from './address.updates.js';
/** A claim whose lease has run out, on the database's clock. */
const leaseLapsed = (slot) => ({ $lte: [`${slot}.delivery.leaseUntil`, '$$NOW'] });
/** Pending and past its next attempt time (none: at once), on the database's clock. */
const pendingDue = (slot) => ({
    $and: [{ $eq: [`${slot}.delivery.state`, 'pending'] }, { $lte: [{ $ifNull: [`${slot}.delivery.nextAttemptAt`, new Date(0)] }, '$$NOW'] }],
});
/** Replaces the slots for which `test` holds with `change(slot)` merged in. */
const updateSlots = (test, change) => ({
    $map: { input: '$slots', in: { $cond: [test, { $mergeObjects: ['$$this', change] }, '$$this'] } },
});
/** A new `deliveryChange` naming `ids` (see AddressDocument). */
const deliveryChange = (ids) => ({ $concat: [new ObjectId().toHexString(), '|', ids] });
/** A slot as the record the rest of the service knows. */
export const toRecord = (mailbox, { codeId, email, delivery: { claim: _claim, ...delivery }, ...rest }) => ({
    id: codeId,
    email: email ?? mailbox,
    mailbox,
    ...rest,
    delivery,
});
export class MongoDeliveries {
    addresses;
    retry;
    constructor(addresses, 
    /** Runs a step again while the store is unreachable for now (see MongoOtpStore). */
    retry) {
        this.addresses = addresses;
        this.retry = retry;
    }
    async claimDelivery(id, worker, leaseMs) {
        return (await this.claimDeliveries([id], worker, leaseMs))[0] ?? null;
    }
    async claimDeliveries(ids, worker, leaseMs) {
        if (ids.length === 0)
            return [];
        // $$NOW is the server's clock: every replica compares leases on the same time. Each
        // document's update is atomic, so of two dispatchers claiming one code, one gets it; the
        // claim mark tells this caller which of the codes it then reads are the ones it took.
        const claim = `${worker}/${new ObjectId().toHexString()}`;
        const wanted = [...ids];
        const claimable = {
            $and: [
                { $in: ['$$this.codeId', { $literal: wanted }] },
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
    async renewLeases(ids, worker, leaseMs) {
        const held = { codeId: { $in: [...ids] }, 'delivery.state': 'sending', 'delivery.claimedBy': worker };
        const isHeld = { $and: [{ $in: ['$$this.codeId', { $literal: [...ids] }] }, { $eq: ['$$this.delivery.state', 'sending'] }, { $eq: ['$$this.delivery.claimedBy', { $literal: worker }] }] };
        const result = await this.addresses.updateMany({ slots: { $elemMatch: held } }, [
            { $set: { slots: { $map: { input: '$slots', in: { $cond: [isHeld, { $mergeObjects: ['$$this', { delivery: { $mergeObjects: ['$$this.delivery', { leaseUntil: { $add: ['$$NOW', leaseMs] } }] } }] }, '$$this'] } } } } },
        ]);
        return result.matchedCount;
    }
    async completeDelivery(id, worker, outcome, webhook) {
        const held = { codeId: id, 'delivery.state': 'sending', 'delivery.claimedBy': worker };
        const isHeld = { $and: [{ $eq: ['$$this.codeId', { $literal: id }] }, { $eq: ['$$this.delivery.state', 'sending'] }, { $eq: ['$$this.delivery.claimedBy', { $literal: worker }] }] };
        const serverClock = { now: '$$NOW', after: (ms) => ({ $add: ['$$NOW', ms] }) };
        const delivery = completedDelivery(outcome, serverClock, '$$this.delivery.events');
        // The sealed code stays while the code lives, for a retry or a resend.
        const result = await this.addresses.updateOne({ slots: { $elemMatch: held } }, [
            {
                $set: {
                    deliveryChange: deliveryChange(id),
                    slots: updateSlots(isHeld, { delivery: { ...delivery, error: { $literal: delivery.error } } }),
                },
            },
            // The merchant hears of a failed email from the same step (the filter: the claim is held).
            ...(outcome.state === 'failed' && webhook ? [...webhookStage(true, webhook), lifetime('$$NOW')] : []),
        ]);
        return result.modifiedCount === 1;
    }
    async recordDeliveryEvent(id, event, webhook) {
        const isIt = { $eq: ['$$this.codeId', { $literal: id }] };
        const isNew = { $not: [{ $in: [{ $literal: event.eventId }, { $ifNull: ['$$this.delivery.events', []] }] }] };
        const moves = event.to === null ? false : { $in: ['$$this.delivery.state', { $literal: event.from }] };
        // Whether the event moves the code's state (read before the slots change below).
        const applies = { $anyElementTrue: [{ $map: { input: '$slots', in: { $and: [isIt, isNew, moves] } } }] };
        // One atomic step: the event id is kept (the latest few) and the state moved when it may;
        // the document before the update tells which of the two happened.
        const before = await this.addresses.findOneAndUpdate(
        // Events for a code that has expired are not recorded (a query filter cannot read $$NOW).
        { slots: { $elemMatch: { codeId: id, expiresAt: { $gt: new Date() } } } }, [
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
        ], { returnDocument: 'before', projection: { slots: 1 } });
        const slot = before?.slots?.find((s) => s.codeId === id);
        if (!slot)
            return 'unknown';
        if ((slot.delivery.events ?? []).includes(event.eventId))
            return 'duplicate';
        return event.to !== null && event.from.includes(slot.delivery.state) ? 'applied' : 'recorded';
    }
    async findById(id) {
        const doc = await this.addresses.findOne({ 'slots.codeId': id }, { projection: { slots: { $elemMatch: { codeId: id } } } });
        const slot = doc?.slots?.[0];
        return slot ? toRecord(doc._id, slot) : null;
    }
    async deliveryStatus(id) {
        const record = await this.findById(id);
        return record ? { state: record.delivery.state, updatedAt: record.delivery.updatedAt, expiresAt: record.expiresAt } : null;
    }
    async findDueDeliveries(now, pendingBefore, limit) {
        const docs = await this.addresses
            .aggregate([
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
    async oldestPendingDelivery(now) {
        const waiting = { 'delivery.state': { $in: ['pending', 'sending'] }, expiresAt: { $gt: now } };
        const [oldest] = await this.addresses
            .aggregate([
            { $match: { slots: { $elemMatch: waiting } } },
            { $unwind: '$slots' },
            { $match: { 'slots.delivery.state': waiting['delivery.state'], 'slots.expiresAt': waiting.expiresAt } },
            { $group: { _id: null, createdAt: { $min: '$slots.createdAt' } } },
        ])
            .toArray();
        return oldest?.createdAt ?? null;
    }
}
//# sourceMappingURL=deliveries.js.map
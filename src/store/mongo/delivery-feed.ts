// The change stream that tells status subscribers a code's delivery state changed, on any
// replica: every update of an address's document that set a new `deliveryChange`. Only the
// codes' ids travel; subscribers read the state they are watching.
import type { ChangeStream, Collection } from 'mongodb';
import type { FeedSubscription } from '../otp.store.js';
import type { AddressDocument } from './documents.js';
import { FEED_AWAIT_MS, follow } from './follow.js';

const CHANGES = [
  { $match: { operationType: 'update', 'updateDescription.updatedFields.deliveryChange': { $exists: true } } },
  { $project: { 'updateDescription.updatedFields.deliveryChange': 1 } },
];

interface DeliveryChange {
  updateDescription?: { updatedFields?: { deliveryChange?: string } };
}

/** The ids in a deliveryChange value: everything after the nonce. */
export const changedIds = (value: string | undefined) => (value ? value.split('|').slice(1).filter(Boolean) : []);

export async function watchDeliveryChanges(
  addresses: Collection<AddressDocument>,
  onChange: (ids: string[]) => void,
  onError: (error: unknown) => void,
): Promise<FeedSubscription> {
  const stream = addresses.watch(CHANGES, { maxAwaitTimeMS: FEED_AWAIT_MS }) as unknown as ChangeStream<AddressDocument, DeliveryChange>;
  return follow(
    stream,
    (change) => {
      const ids = changedIds(change.updateDescription?.updatedFields?.deliveryChange);
      if (ids.length > 0) onChange(ids);
    },
    (error) => error,
    onError,
  );
}

// The change stream that tells status subscribers a code's delivery state changed, on any
// replica: every update of an address's document that set a new `deliveryChange`. Only the
// codes' ids travel; subscribers read the state they are watching.
import type { ChangeStream, Collection } from 'mongodb';
import type { FeedSubscription } from '../otp.store.js';
import type { AddressDocument } from './address.updates.js';

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
  const stream = addresses.watch(CHANGES) as unknown as ChangeStream<AddressDocument, DeliveryChange>;
  let closing = false;
  // Opens the stream now (it opens lazily), so that changes from here on are seen.
  let first: DeliveryChange | null;
  try {
    first = await stream.tryNext();
  } catch (error) {
    await stream.close();
    throw error;
  }
  const loop = (async () => {
    let change = first;
    while (!closing) {
      const ids = changedIds(change?.updateDescription?.updatedFields?.deliveryChange);
      if (ids.length > 0) onChange(ids);
      change = await stream.next().catch((error: unknown) => {
        if (closing) return null;
        throw error;
      });
    }
  })().catch(async (error: unknown) => {
    closing = true;
    await stream.close().catch(() => undefined);
    onError(error);
  });
  return {
    close: async () => {
      closing = true;
      await stream.close();
      await loop;
    },
  };
}

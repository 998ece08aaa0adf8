import type { Collection } from 'mongodb';
import type { FeedSubscription } from '../otp.store.js';
import type { AddressDocument } from './address.updates.js';
/** The ids in a deliveryChange value: everything after the nonce. */
export declare const changedIds: (value: string | undefined) => string[];
export declare function watchDeliveryChanges(addresses: Collection<AddressDocument>, onChange: (ids: string[]) => void, onError: (error: unknown) => void): Promise<FeedSubscription>;

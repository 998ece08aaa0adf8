import type { ChangeStream, Document } from 'mongodb';
import type { FeedSubscription } from '../otp.store.js';
import type { AddressDocument } from './address.updates.js';
export declare function follow<Change extends Document>(stream: ChangeStream<AddressDocument, Change>, handle: (change: Change) => Promise<void> | void, 
/** What an error becomes before it is thrown or reported (a lost position, say). */
failed: (error: unknown) => unknown, onError: (error: unknown) => void): Promise<FeedSubscription>;

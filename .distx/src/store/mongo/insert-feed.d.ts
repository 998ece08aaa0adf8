import { type Collection } from 'mongodb';
import { type FeedSubscription, type InsertEvent } from '../otp.store.js';
import type { AddressDocument } from './address.updates.js';
export declare function watchIssues(addresses: Collection<AddressDocument>, resumeAfter: string | null, onInsert: (event: InsertEvent) => Promise<void>, onError: (error: unknown) => void): Promise<FeedSubscription>;

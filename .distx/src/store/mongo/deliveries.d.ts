import { type Collection } from 'mongodb';
import { type DeliveryEvent, type DeliveryEventResult, type DeliveryOutcome, type DeliveryStatus, type NewWebhook, type OtpRecord } from '../otp.store.js';
import { type AddressDocument, type SlotDocument } from './address.updates.js';
/** A slot as the record the rest of the service knows. */
export declare const toRecord: (mailbox: string, { codeId, email, delivery: { claim: _claim, ...delivery }, ...rest }: SlotDocument) => OtpRecord;
export declare class MongoDeliveries {
    private readonly addresses;
    /** Runs a step again while the store is unreachable for now (see MongoOtpStore). */
    private readonly retry;
    constructor(addresses: Collection<AddressDocument>, 
    /** Runs a step again while the store is unreachable for now (see MongoOtpStore). */
    retry: <T>(step: () => Promise<T>) => Promise<T>);
    claimDelivery(id: string, worker: string, leaseMs: number): Promise<OtpRecord | null>;
    claimDeliveries(ids: readonly string[], worker: string, leaseMs: number): Promise<OtpRecord[]>;
    renewLeases(ids: readonly string[], worker: string, leaseMs: number): Promise<number>;
    completeDelivery(id: string, worker: string, outcome: DeliveryOutcome, webhook?: NewWebhook): Promise<boolean>;
    recordDeliveryEvent(id: string, event: DeliveryEvent, webhook?: NewWebhook): Promise<DeliveryEventResult>;
    findById(id: string): Promise<OtpRecord | null>;
    deliveryStatus(id: string): Promise<DeliveryStatus | null>;
    findDueDeliveries(now: Date, pendingBefore: Date, limit: number): Promise<string[]>;
    oldestPendingDelivery(now: Date): Promise<Date | null>;
}

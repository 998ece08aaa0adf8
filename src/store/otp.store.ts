// The store, as one object: MongoDB (store/mongo.store.ts) plays every role. Each role is a
// small interface in a file of its own, and each consumer asks only for the roles it uses:
//   record.ts         what one code's record holds (every role reads it)
//   codes.ts          issue, resend, check a code (the service)
//   delivery-queue.ts claim, renew, complete, due, feeds (the dispatcher, the status watchers)
//   outbox.ts         the merchant webhooks' outbox (the webhook sender, the merchant API's replay)
//   payment-records.ts payment codes as the merchant API sees them: look up, cancel, expiry events
//   checkpoints.ts    feed positions (the dispatcher)
//   health.ts         ping, availability, close (readiness, the service's error handling)
// Every method that guards a rule is one atomic step: the service and the dispatcher never
// read a record and then write it back, and they decide which event an outcome carries; the
// store writes what it is handed.
import type { Checkpoints } from './checkpoints.js';
import type { CodeStore } from './codes.js';
import type { DeliveryQueue } from './delivery-queue.js';
import type { StoreHealth } from './health.js';
import type { WebhookOutbox } from './outbox.js';
import type { PaymentRecords } from './payment-records.js';

export interface OtpStore extends CodeStore, DeliveryQueue, WebhookOutbox, PaymentRecords, Checkpoints, StoreHealth {}

export * from './checkpoints.js';
export * from './codes.js';
export * from './delivery-queue.js';
export * from './health.js';
export * from './outbox.js';
export * from './payment-records.js';
export * from './record.js';

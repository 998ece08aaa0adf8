// The dispatcher's options and what it tells its observer, shared by its three parts
// (feed-follower.ts, batch-sender.ts, outcome-recorder.ts; dispatcher.ts composes them).
import type { Span } from '@opentelemetry/api';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import type { Mailer, MailRecipient } from '../mail/mailer.js';
import type { OtpEmails } from '../mail/otp-emails.js';
import type { CodeHasher } from '../otp/otp.codes.js';
import type { Checkpoints } from '../store/checkpoints.js';
import type { OtpRecord, ShownPayment } from '../store/record.js';
import type { DeliveryOutcome, DeliveryQueue } from '../store/delivery-queue.js';
import type { MerchantEvents } from '../webhooks/merchant-events.js';

export interface DispatcherOptions {
  /** The delivery queue, and where the feed's position is kept. */
  store: DeliveryQueue & Checkpoints;
  mailer: Mailer;
  hasher: CodeHasher;
  /** Writes each code's email (language and wording per record). */
  emails: OtpEmails;
  clock: Clock;
  logger: Logger;
  /** First retry delay; doubles each retry, plus jitter. Default 500 ms. */
  retryBaseMs?: number;
  /** Longest wait between two tries (unless the provider's Retry-After says longer). Default 30 s. */
  retryMaxMs?: number;
  /** How long a claim holds before another dispatcher may take it over. Default 60 s; renewed every third of it while sending. */
  leaseSeconds?: number;
  /** How often the sweep runs. Default 30 s; 0 turns the timer off (tests call sweep()). */
  sweepSeconds?: number;
  /** How long a record may stay pending before the sweep sends it. Default 10 s. */
  graceSeconds?: number;
  /** Most recipients in one provider call. Default 500 (SendGrid allows 1000). */
  batchSize?: number;
  /** Provider calls under way at once. Default 4. */
  maxInFlight?: number;
  /** How long a new email waits for others to share its provider call. Default 5 ms. */
  lingerMs?: number;
  /** Names this dispatcher in claims; unique per process by default. */
  worker?: string;
  /** Names the saved feed position; dispatchers sharing a store share it. */
  checkpointName?: string;
  /** Hears of every finished delivery and every retry: for metrics. */
  observer?: DeliveryObserver;
  /** Tells the merchant's backend of emails that failed for good. */
  events?: MerchantEvents;
}

export interface DeliveryObserver {
  /** A delivery ended: sent, or failed for good. */
  delivered(record: OtpRecord, outcome: DeliveryOutcome): void;
  /** Emails put back to wait for another attempt. */
  retried(recipients: number): void;
  /**
   * Of those, the ones whose call got no answer after it may have reached the provider (a
   * timeout): the retry sends the same code, and the user may receive it twice.
   */
  retriedUnconfirmed(recipients: number): void;
}

/** The SendGrid custom argument that names the code on its events. */
export const OTP_ID_ARG = 'otp_id';
/** The custom arg that carries the code's kind (payment, signIn, …) back on SendGrid's events, for the funnel: a fixed few values, never personal. */
export const OTP_KIND_ARG = 'otp_kind';

/** The options with their defaults filled in, as each part reads them. */
export type DispatcherSettings = Required<Omit<DispatcherOptions, 'observer'>> & Pick<DispatcherOptions, 'observer'>;

/** An email on its way, and how many provider calls have carried it in this round. */
export interface Sending {
  record: OtpRecord;
  recipient: MailRecipient;
  calls: number;
  /** Its span, from the claim to the recorded outcome. */
  span: Span;
  /** A payment email: what it shows the reader of the payment (recorded with its outcome). */
  shown: ShownPayment | null;
}

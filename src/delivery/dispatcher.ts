// Turns each stored code into exactly one email. It listens to the store's insert feed,
// claims each record atomically (so replicas never both send), sends what has queued up as one
// provider call (split to find the recipients SendGrid refuses, so the others still go out),
// puts 429/5xx/timeouts back to wait for another attempt until the code expires (the
// provider's Retry-After, else a capped backoff), records the outcome on the record, and
// saves the feed position after each batch so a restart continues where it stopped. A
// periodic sweep picks up anything the feed missed: pending past a grace period, or claimed by
// a dispatcher that died (its lease ran out). While a call is in flight its claims are renewed,
// so a slow provider never lets a second dispatcher take over and send the same code again.
//
// Three parts, one file each: feed-follower.ts follows the feed (subscribe, reconnect,
// checkpoint, sweep); batch-sender.ts sends a batch (claim, group, split a refused call,
// leases); outcome-recorder.ts records the outcomes (which event, retry timers). This class
// fills in the defaults and composes them.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { NO_MERCHANT_EVENTS } from '../webhooks/merchant-events.js';
import { BatchSender } from './batch-sender.js';
import type { DispatcherOptions, DispatcherSettings } from './dispatcher.types.js';
import { FeedFollower } from './feed-follower.js';
import { OutcomeRecorder } from './outcome-recorder.js';

export { OTP_ID_ARG, type DeliveryObserver, type DispatcherOptions } from './dispatcher.types.js';

export class Dispatcher {
  readonly worker: string;
  private readonly o: DispatcherSettings;
  private readonly feed: FeedFollower;
  private readonly recorder: OutcomeRecorder;

  constructor(options: DispatcherOptions) {
    this.o = {
      retryBaseMs: 500,
      retryMaxMs: 30_000,
      leaseSeconds: 60,
      sweepSeconds: 30,
      graceSeconds: 10,
      batchSize: 500,
      maxInFlight: 4,
      lingerMs: 5,
      worker: `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`,
      checkpointName: 'otp-mailer',
      events: NO_MERCHANT_EVENTS,
      ...options,
    };
    this.worker = this.o.worker;
    this.recorder = new OutcomeRecorder(this.o, this.worker, (id) => void this.feed.enqueue({ id, token: null }));
    const sender = new BatchSender(this.o, this.worker, this.recorder);
    this.feed = new FeedFollower(this.o, (ids) => sender.deliver(ids));
  }

  get running(): boolean {
    return this.feed.running;
  }

  async start(): Promise<void> {
    if (this.feed.running) return;
    const resumed = await this.feed.start();
    this.o.logger.info({ worker: this.worker, resumed }, 'dispatcher listening for new codes');
  }

  /** Stops listening and finishes what it has claimed; the feed position is saved on the way. */
  async stop(): Promise<void> {
    this.recorder.stop();
    await this.feed.stop();
  }

  /** Resolves when everything queued so far has been handled and its position saved. */
  idle(): Promise<void> {
    return this.feed.idle();
  }

  /**
   * Queues records whose delivery is overdue. `all` ignores the grace period (used when the
   * feed position was lost and every pending record may have been missed).
   */
  sweep(all = false): Promise<number> {
    return this.feed.sweep(all);
  }
}

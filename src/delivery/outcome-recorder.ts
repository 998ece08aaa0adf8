// Records a batch's outcomes for the dispatcher: judges each email's outcome (sent; failed
// for good; or back to pending after a wait), decides which outcome tells the merchant (a
// failed email's otp.delivery_failed, written in the same store step), records them all in
// one store command, tells the observer, and puts each retry back in the queue when it is due.
import { context, trace, type Span } from '@opentelemetry/api';
import type { MailError } from '../mail/mailer.js';
import type { OtpRecord } from '../store/record.js';
import type { DeliveryOutcome } from '../store/delivery-queue.js';
import { backoffDelayMs } from '../backoff.js';
import type { DispatcherSettings, Sending } from './dispatcher.types.js';

/** Past the next attempt time on the store's clock, with room for a little skew. */
const RETRY_SLACK_MS = 50;

export class OutcomeRecorder {
  /** Codes waiting for their next attempt in this process. */
  private readonly retryTimers = new Set<NodeJS.Timeout>();

  constructor(
    private readonly o: DispatcherSettings,
    private readonly worker: string,
    /** Puts a code back in the dispatcher's queue (its retry is due). */
    private readonly requeue: (id: string) => void,
  ) {}

  /** Forgets the waiting retries: they stay pending in the store, for another dispatcher's sweep (or this one's, after a restart). */
  stop(): void {
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
  }

  /**
   * Sent; failed for good (a refusal, or no time left before the code expires); or back to
   * pending after the provider's Retry-After or a backoff: a code stays deliverable until it expires.
   */
  outcomeOf({ record, calls, shown }: Sending, error: MailError | null): DeliveryOutcome {
    const at = this.o.clock.now();
    const attempts = record.delivery.attempts + calls;
    if (!error) return { state: 'sent', at, attempts, ...(shown ? { shown } : {}) };
    if (!error.transient) return { state: 'failed', at, attempts, error: error.message, cause: 'refused' };
    const retryInMs = error.retryAfterMs ?? Math.min(backoffDelayMs(attempts, this.o.retryBaseMs), this.o.retryMaxMs);
    if (at.getTime() + retryInMs >= record.expiresAt.getTime()) {
      return { state: 'failed', at, attempts, error: `${error.message}; the code expires before another attempt`, cause: 'expired' };
    }
    return { state: 'retry', attempts, error: error.message, retryInMs };
  }

  /**
   * Records outcomes in one store command (those whose claim this dispatcher no longer held
   * are left as the store has them), tells the observer, and schedules the retries.
   */
  async finish(done: ReadonlyArray<{ record: OtpRecord; outcome: DeliveryOutcome; span?: Span }>): Promise<void> {
    if (done.length === 0) return;
    // A failed email's otp.delivery_failed, and a payment email's otp.requested (it left for
    // SendGrid), are written with the outcome, in one step; each joins its email's trace.
    const webhookOf = ({ record, outcome }: { record: OtpRecord; outcome: DeliveryOutcome }) => {
      const code = { email: record.email, purpose: record.purpose, requestId: record.id, transaction: record.transaction };
      if (outcome.state === 'failed') return this.o.events.deliveryFailed({ ...code, reason: outcome.cause ?? 'refused' });
      if (outcome.state === 'sent' && record.transaction) return this.o.events.requested({ ...code, resends: record.resends });
      return undefined;
    };
    const completions = done.map((d) => ({
      id: d.record.id,
      mailbox: d.record.mailbox,
      outcome: d.outcome,
      webhook: d.span ? context.with(trace.setSpan(context.active(), d.span), () => webhookOf(d)) : webhookOf(d),
    }));
    const held = await this.o.store.completeDeliveries(this.worker, completions);
    done.forEach(({ record, outcome }, i) => {
      if (held[i]) this.recorded(record, outcome);
    });
  }

  private recorded(record: OtpRecord, outcome: DeliveryOutcome): void {
    if (outcome.state !== 'retry') {
      this.o.observer?.delivered(record, outcome);
      return;
    }
    this.o.observer?.retried(1);
    // Back in the queue when due; if this process is gone by then, another's sweep finds it.
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      this.requeue(record.id);
    }, outcome.retryInMs + RETRY_SLACK_MS);
    timer.unref();
    this.retryTimers.add(timer);
  }
}

// Turns each stored code into exactly one email. It listens to the store's insert feed,
// claims each record atomically (so replicas never both send), sends what has queued up as one
// provider call (split to find the recipients SendGrid refuses, so the others still go out),
// puts 429/5xx/timeouts back to wait for another attempt until the code expires (the
// provider's Retry-After, else a capped backoff), records the outcome on the record, and
// saves the feed position after each batch so a restart continues where it stopped. A
// periodic sweep picks up anything the feed missed: pending past a grace period, or claimed by
// a dispatcher that died (its lease ran out). While a call is in flight its claims are renewed,
// so a slow provider never lets a second dispatcher take over and send the same code again.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { backoffDelayMs } from './backoff.js';
import { MailError, type Mailer, type MailRecipient, type MailTemplate } from '../mail/mailer.js';
import type { OtpEmails } from '../mail/otp.template.js';
import { NO_MERCHANT_EVENTS, type MerchantEvents } from '../webhooks/merchant-events.js';
import { context, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import { contextOf, traceparentOf, tracer } from '../telemetry/trace-context.js';
import type { CodeHasher } from '../otp/otp.codes.js';
import {
  ResumePointLostError,
  type DeliveryOutcome,
  type FeedSubscription,
  type InsertEvent,
  type OtpRecord,
  type OtpStore,
} from '../store/otp.store.js';

export interface DispatcherOptions {
  store: OtpStore;
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

/** Past the next attempt time on the store's clock, with room for a little skew. */
const RETRY_SLACK_MS = 50;

/** An email on its way, and how many provider calls have carried it in this round. */
interface Sending {
  record: OtpRecord;
  recipient: MailRecipient;
  calls: number;
  /** Its span, from the claim to the recorded outcome. */
  span: Span;
}

export class Dispatcher {
  readonly worker: string;
  private readonly o: Required<Omit<DispatcherOptions, 'observer'>> & Pick<DispatcherOptions, 'observer'>;
  private subscription: FeedSubscription | null = null;
  private sweepTimer: NodeJS.Timeout | null = null;
  private readonly queue: InsertEvent[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  private checkpoints: Promise<void> = Promise.resolve();
  private scheduled = false;
  private stopping = false;
  /** Codes waiting for their next attempt in this process. */
  private readonly retryTimers = new Set<NodeJS.Timeout>();

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
  }

  get running(): boolean {
    return this.subscription !== null;
  }

  async start(): Promise<void> {
    if (this.subscription) return;
    this.stopping = false;
    let saved = false;
    try {
      saved = await this.listen();
    } catch (error) {
      // A passing failure (an election, a primary restarting) must not stop the process: keep
      // retrying from the saved position; /readyz says "listener: not running" meanwhile.
      this.feedBroke(error);
    }
    if (this.o.sweepSeconds > 0) {
      this.sweepTimer = setInterval(() => {
        this.sweep().catch((err: unknown) => this.o.logger.error({ err }, 'delivery sweep failed'));
      }, this.o.sweepSeconds * 1000);
      this.sweepTimer.unref();
    }
    this.o.logger.info({ worker: this.worker, resumed: saved }, 'dispatcher listening for new codes');
  }

  /** Subscribes from the saved position; returns whether there was one. */
  private async listen(): Promise<boolean> {
    const saved = await this.o.store.loadCheckpoint(this.o.checkpointName);
    try {
      await this.subscribe(saved);
    } catch (error) {
      if (!(error instanceof ResumePointLostError)) throw error;
      await this.positionLost(error);
    }
    return saved !== null;
  }

  private async subscribe(from: string | null): Promise<void> {
    const subscription = await this.o.store.subscribeInserts(
      from,
      (event) => this.enqueue(event),
      (err) => this.feedBroke(err),
    );
    // stop() may have been called while the feed was opening.
    if (this.stopping) await subscription.close();
    else this.subscription = subscription;
  }

  /**
   * The saved position can no longer be resumed from (it fell out of the oplog): listen from
   * now. Inserts made since the saved position are still in the store: the sweep sends them.
   * Only the store's "position lost" answer leads here; any other failure retries from the
   * same position, so nothing is skipped for a passing error.
   */
  private async positionLost(error: ResumePointLostError): Promise<void> {
    this.o.logger.warn({ reason: error.message }, 'feed position lost; listening from now and sweeping at once');
    await this.subscribe(null);
    await this.sweep(true);
  }

  /** A feed that failed after starting, or could not start: report it, and listen again. */
  private feedBroke(err: unknown): void {
    if (this.stopping) return;
    this.subscription = null;
    const again = () => (err instanceof ResumePointLostError ? this.positionLost(err) : this.listen());
    this.o.logger.error({ err }, 'insert feed failed; reconnecting in 1 s (the sweep covers the gap)');
    setTimeout(() => {
      if (!this.stopping) again().catch((e: unknown) => this.feedBroke(e));
    }, 1_000).unref();
  }

  /** Stops listening and finishes what it has claimed; the feed position is saved on the way. */
  async stop(): Promise<void> {
    this.stopping = true;
    if (this.sweepTimer) clearInterval(this.sweepTimer);
    this.sweepTimer = null;
    // Waiting codes stay pending in the store: another dispatcher's sweep (or this one's, after a restart) sends them.
    for (const timer of this.retryTimers) clearTimeout(timer);
    this.retryTimers.clear();
    const subscription = this.subscription;
    this.subscription = null;
    await subscription?.close();
    await this.idle();
  }

  /** Resolves when everything queued so far has been handled and its position saved. */
  async idle(): Promise<void> {
    while (this.queue.length > 0 || this.inFlight.size > 0 || this.scheduled) {
      // Wait for a batch to finish or the next turn (when a scheduled pump runs).
      await Promise.race([...this.inFlight, new Promise((resolve) => setTimeout(resolve, this.o.lingerMs))]);
    }
    await this.checkpoints;
  }

  /**
   * Queues records whose delivery is overdue. `all` ignores the grace period (used when the
   * feed position was lost and every pending record may have been missed).
   */
  async sweep(all = false): Promise<number> {
    const now = this.o.clock.now();
    const pendingBefore = all ? now : new Date(now.getTime() - this.o.graceSeconds * 1000);
    const ids = await this.o.store.findDueDeliveries(now, pendingBefore, this.o.batchSize * 4);
    for (const id of ids) await this.enqueue({ id, token: null });
    return ids.length;
  }

  private async enqueue(event: InsertEvent): Promise<void> {
    this.queue.push(event);
    if (!this.scheduled) {
      // Wait `lingerMs` so that inserts arriving together leave as one provider call: under
      // load, fewer and larger SendGrid calls cost the process much less than many small ones.
      this.scheduled = true;
      setTimeout(() => {
        this.scheduled = false;
        this.pump();
      }, this.o.lingerMs);
    }
  }

  /**
   * Starts batches while there is work and room: up to `maxInFlight` provider calls at once,
   * so one slow answer does not hold every email behind it.
   */
  private pump(): void {
    while (this.queue.length > 0 && this.inFlight.size < this.o.maxInFlight) {
      const batch = this.queue.splice(0, this.o.batchSize);
      const done: Promise<void> = this.deliver(batch.map((e) => e.id))
        .catch((err: unknown) => {
          // A store failure: the records stay pending or claimed, and the sweep retries them.
          this.o.logger.error({ err, count: batch.length }, 'delivery batch failed; the sweep will retry it');
        })
        .finally(() => {
          this.inFlight.delete(done);
          this.pump();
        });
      this.inFlight.add(done);
      // Positions are saved in feed order: each waits for its own batch and every earlier save.
      const token = batch.findLast((e) => e.token !== null)?.token;
      if (token) {
        this.checkpoints = this.checkpoints
          .then(() => done)
          .then(() => this.o.store.saveCheckpoint(this.o.checkpointName, token))
          .catch((err: unknown) => this.o.logger.error({ err }, 'could not save the feed position'));
      }
    }
  }

  private async deliver(ids: string[]): Promise<void> {
    const claimedFrom = Date.now(); // each email's span starts at its claim
    const now = this.o.clock.now();
    const leaseMs = this.o.leaseSeconds * 1000;
    // Codes another dispatcher holds, or that were replaced or consumed, are not returned.
    const claims = await this.o.store.claimDeliveries(ids, this.worker, leaseMs);

    // Emails of one template (language and wording) share a provider call.
    const groups = new Map<string, { template: MailTemplate; items: Sending[] }>();
    const unsendable: Array<{ record: OtpRecord; outcome: DeliveryOutcome }> = [];
    for (const record of claims) {
      const code = this.openSealedCode(record);
      if (record.expiresAt <= now || code === null) {
        const error = code === null ? 'sealed code could not be opened (was OTP_SECRET changed?)' : 'expired before it could be sent';
        unsendable.push({ record, outcome: { state: 'failed', at: now, attempts: record.delivery.attempts, error, cause: code === null ? 'refused' : 'expired' } });
        continue;
      }
      const { key, template, substitutions } = this.o.emails.for(record, code);
      const group = groups.get(key) ?? { template, items: [] };
      // The record's id comes back on SendGrid's events (the Event Webhook), naming the code.
      // Its span joins the code's trace (the request that issued it), and SendGrid's events carry
      // that span's traceparent back (custom args), so they join it too.
      const span = tracer.startSpan('otp.email', { startTime: claimedFrom, attributes: { 'otp.email.resends': record.resends } }, contextOf(record.trace));
      span.addEvent('claimed');
      const traceparent = traceparentOf(span);
      const customArgs = { [OTP_ID_ARG]: record.id, ...(traceparent ? { traceparent } : {}) };
      group.items.push({ record, recipient: { to: record.email, substitutions, customArgs }, calls: 0, span });
      groups.set(key, group);
    }
    await this.finish(unsendable);
    if (groups.size === 0) return;

    const all = [...groups.values()];
    await this.whileHoldingClaims(
      all.flatMap((g) => g.items.map((i) => i.record.id)),
      () => Promise.all(all.map(({ template, items }) => this.sendGroup(template, items))),
    );
  }

  /** Sends one template's emails and records each one's outcome. */
  private async sendGroup(template: MailTemplate, items: Sending[]): Promise<void> {
    // One call carries many codes and a span has one parent: the call's HTTP span joins the
    // first email's trace; each email's own span says how many shared its call.
    for (const item of items) item.span.setAttribute('otp.email.batch_size', items.length);
    const results = await context.with(trace.setSpan(context.active(), items[0]!.span), () => this.sendSplitting(template, items));
    const outcomes = results.map(({ item, error }) => ({ item, error, record: item.record, span: item.span, outcome: this.outcomeOf(item, error) }));
    // The call's outcomes are recorded together: one store command for the whole call. Each
    // email's span ends either way (a store failure leaves the codes to the sweep).
    try {
      await context.with(trace.setSpan(context.active(), items[0]!.span), () => this.finish(outcomes));
    } finally {
      for (const { item, outcome } of outcomes) {
        item.span.setAttributes({ 'otp.email.outcome': outcome.state, 'otp.email.calls': item.calls });
        if (outcome.state === 'failed') item.span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.error });
        item.span.end();
      }
    }
    // At least once, with the same code: a call that may have been accepted is tried again.
    const unconfirmed = outcomes.filter((o) => o.outcome.state === 'retry' && o.error?.unconfirmed).length;
    if (unconfirmed > 0) this.o.observer?.retriedUnconfirmed(unconfirmed);
    // One line per kind of outcome, with the first one's reason (they share a call, mostly a reason too).
    const of = <S extends DeliveryOutcome['state']>(state: S) =>
      outcomes.map((o) => o.outcome).filter((o): o is Extract<DeliveryOutcome, { state: S }> => o.state === state);
    const [sent, failed, retried] = [of('sent'), of('failed'), of('retry')];
    if (sent.length > 0) this.o.logger.info({ count: sent.length }, 'emails sent');
    if (failed[0]) this.o.logger.error({ reason: failed[0].error, count: failed.length }, 'email delivery failed for good');
    if (retried[0]) this.o.logger.warn({ reason: retried[0].error, count: retried.length, unconfirmed, delayMs: retried[0].retryInMs }, 'email send failed; will retry');
  }

  /**
   * One provider call for `items`. When SendGrid refuses a call of several recipients as a bad
   * request (400: one address it will not take), the call is split in halves and each resent,
   * down to the recipients it refuses alone: the others go out, only those fail. A bad batch of
   * n with k refused addresses costs at most about 2k·log2(n) calls.
   */
  private async sendSplitting(template: MailTemplate, items: Sending[]): Promise<Array<{ item: Sending; error: MailError | null }>> {
    for (const item of items) item.calls += 1;
    try {
      await this.o.mailer.send(template, items.map((i) => i.recipient));
      return items.map((item) => ({ item, error: null }));
    } catch (err) {
      const error = err instanceof MailError ? err : new MailError('mailer failed unexpectedly', true);
      if (error.status === 400 && items.length > 1) {
        const half = Math.ceil(items.length / 2);
        const first = await this.sendSplitting(template, items.slice(0, half));
        return [...first, ...(await this.sendSplitting(template, items.slice(half)))];
      }
      return items.map((item) => ({ item, error }));
    }
  }

  /**
   * Sent; failed for good (a refusal, or no time left before the code expires); or back to
   * pending after the provider's Retry-After or a backoff: a code stays deliverable until it expires.
   */
  private outcomeOf({ record, calls }: Sending, error: MailError | null): DeliveryOutcome {
    const at = this.o.clock.now();
    const attempts = record.delivery.attempts + calls;
    if (!error) return { state: 'sent', at, attempts };
    if (!error.transient) return { state: 'failed', at, attempts, error: error.message, cause: 'refused' };
    const retryInMs = error.retryAfterMs ?? Math.min(backoffDelayMs(attempts, this.o.retryBaseMs), this.o.retryMaxMs);
    if (at.getTime() + retryInMs >= record.expiresAt.getTime()) {
      return { state: 'failed', at, attempts, error: `${error.message}; the code expires before another attempt`, cause: 'expired' };
    }
    return { state: 'retry', attempts, error: error.message, retryInMs };
  }

  /**
   * Renews the claims on `ids` every third of the lease while `work` runs: a provider call
   * slower than the lease must not let another dispatcher take the claim and send again.
   */
  private async whileHoldingClaims<T>(ids: string[], work: () => Promise<T>): Promise<T> {
    const leaseMs = this.o.leaseSeconds * 1000;
    const heartbeat = setInterval(() => {
      this.o.store.renewLeases(ids, this.worker, leaseMs).catch((err: unknown) => {
        this.o.logger.warn({ err, count: ids.length }, 'could not renew delivery claims; another dispatcher may take them over');
      });
    }, leaseMs / 3);
    try {
      return await work();
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Records outcomes in one store command (those whose claim this dispatcher no longer held
   * are left as the store has them), tells the observer, and schedules the retries.
   */
  private async finish(done: ReadonlyArray<{ record: OtpRecord; outcome: DeliveryOutcome; span?: Span }>): Promise<void> {
    if (done.length === 0) return;
    // A failed email's webhook is written with the outcome, in one step; it joins its email's trace.
    const webhookOf = ({ record, outcome }: { record: OtpRecord; outcome: DeliveryOutcome }) =>
      outcome.state === 'failed' ? this.o.events.deliveryFailed({ email: record.email, purpose: record.purpose, requestId: record.id, reason: outcome.cause ?? 'refused' }) : undefined;
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
      void this.enqueue({ id: record.id, token: null });
    }, outcome.retryInMs + RETRY_SLACK_MS);
    timer.unref();
    this.retryTimers.add(timer);
  }

  private openSealedCode(record: OtpRecord): string | null {
    if (record.sealedCode === null) return null;
    try {
      return this.o.hasher.unseal(record.sealedCode, record.id);
    } catch {
      return null;
    }
  }
}

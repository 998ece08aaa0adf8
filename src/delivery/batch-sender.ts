// Sends a batch for the dispatcher: claims the codes (codes another dispatcher holds, or that
// were replaced or consumed, are not returned), groups them by template (language and
// wording) so each group is one provider call, splits a call SendGrid refuses to find the
// addresses it will not take, renews the claims while a call is under way, and hands every
// outcome to the recorder.
import { context, SpanStatusCode, trace } from '@opentelemetry/api';
import { MailError, type MailTemplate } from '../mail/mailer.js';
import { contextOf, traceparentOf, tracer } from '../telemetry/trace-context.js';
import type { OtpRecord } from '../store/record.js';
import type { DeliveryOutcome } from '../store/delivery-queue.js';
import { emailKind } from '../otp/code-kind.js';
import { OTP_ID_ARG, OTP_KIND_ARG, type DispatcherSettings, type Sending } from './dispatcher.types.js';
import type { OutcomeRecorder } from './outcome-recorder.js';

export class BatchSender {
  constructor(
    private readonly o: DispatcherSettings,
    private readonly worker: string,
    private readonly recorder: OutcomeRecorder,
  ) {}

  async deliver(ids: string[]): Promise<void> {
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
      const { key, template, substitutions, values, shown } = this.o.emails.for(record, code);
      const group = groups.get(key) ?? { template, items: [] };
      // The record's id comes back on SendGrid's events (the Event Webhook), naming the code.
      // Its span joins the code's trace (the request that issued it), and SendGrid's events carry
      // that span's traceparent back (custom args), so they join it too.
      const span = tracer.startSpan('otp.email', { startTime: claimedFrom, attributes: { 'otp.email.resends': record.resends } }, contextOf(record.trace));
      span.addEvent('claimed');
      const traceparent = traceparentOf(span);
      const customArgs = { [OTP_ID_ARG]: record.id, [OTP_KIND_ARG]: emailKind(record), ...(traceparent ? { traceparent } : {}) };
      group.items.push({ record, recipient: { to: record.email, substitutions, values, customArgs }, calls: 0, span, shown });
      groups.set(key, group);
    }
    await this.recorder.finish(unsendable);
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
    const outcomes = results.map(({ item, error }) => ({ item, error, record: item.record, span: item.span, outcome: this.recorder.outcomeOf(item, error) }));
    // The call's outcomes are recorded together: one store command for the whole call. Each
    // email's span ends either way (a store failure leaves the codes to the sweep).
    try {
      await context.with(trace.setSpan(context.active(), items[0]!.span), () => this.recorder.finish(outcomes));
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

  private openSealedCode(record: OtpRecord): string | null {
    if (record.sealedCode === null) return null;
    try {
      return this.o.hasher.unseal(record.sealedCode, record.id);
    } catch {
      return null;
    }
  }
}

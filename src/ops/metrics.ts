// Prometheus metrics for one app instance (its own registry, so several apps in one process,
// as in tests, never collide). No label ever carries an email address or a code: labels are
// statuses, outcomes and operation names from a fixed list.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { OtpRecord } from '../store/record.js';
import type { DeliveryOutcome, DeliveryQueue } from '../store/delivery-queue.js';
import type { StoreHealth } from '../store/health.js';
import type { OtpObserver } from '../otp/otp.service.js';
import { SENDGRID_EVENTS, type EventFacts, type EventObserver, type SendGridEventName } from '../delivery/sendgrid-events.js';
import { MAIL_PROVIDERS, mailProvider, type MailProvider } from '../edge/mailbox.js';
import { EMAIL_KINDS, emailKind, type EmailKind } from '../otp/code-kind.js';
import { FUNNEL_STAGES, type FunnelStage } from '../otp/otp.commands.js';
import { OtpStatus } from '../otp/otp.status.js';
import type { SubscriptionCap } from '../edge/subscription-caps.js';
import type { DeliveryMoveResult } from '../store/otp.store.js';
import { probe } from './store-probe.js';

/** Operation names the shipped client uses; anything else is counted as "other". */
const KNOWN_OPERATIONS = new Set(['RequestOtp', 'ResendOtp', 'VerifyOtp', 'OtpPolicy', 'OtpDelivery', 'OtpDeliveryChanged']);

export class Metrics implements OtpObserver, EventObserver {
  readonly registry = new Registry();
  private readonly requests: Counter<'status'>;
  private readonly resends: Counter<'status'>;
  private readonly verifications: Counter<'status'>;
  private readonly emails: Counter<'outcome'>;
  private readonly unconfirmedRetries: Counter;
  private readonly emailDelay: Histogram;
  private readonly operationDuration: Histogram<'operation'>;
  private readonly events: Counter<'event' | 'result'>;
  private readonly webhooks: Counter<'outcome'>;
  private readonly merchantWebhooks: Counter<'outcome'>;
  private readonly sendBudgetRefusals: Counter<'budget'>;
  private readonly subscriptionCapRefusals: Counter<'cap'>;
  private readonly funnelStages: Counter<'stage' | 'kind' | 'provider'>;

  constructor(store: Pick<DeliveryQueue, 'oldestPendingDelivery'> & StoreHealth, now: () => Date) {
    collectDefaultMetrics({ register: this.registry });
    const registers = [this.registry];
    this.requests = new Counter({ name: 'otp_requests_total', help: 'requestOtp outcomes', labelNames: ['status'], registers });
    this.resends = new Counter({ name: 'otp_resends_total', help: 'resendOtp outcomes', labelNames: ['status'], registers });
    this.verifications = new Counter({ name: 'otp_verifications_total', help: 'verifyOtp outcomes', labelNames: ['status'], registers });
    this.emails = new Counter({
      name: 'otp_emails_total',
      help: 'Email deliveries: sent, retried (one per retry of a provider call, per recipient), failed',
      labelNames: ['outcome'],
      registers,
    });
    this.unconfirmedRetries = new Counter({
      name: 'otp_email_unconfirmed_retries_total',
      help: 'Emails tried again after a SendGrid call that got no answer but may have been accepted (a timeout): each may reach its inbox twice, with the same code',
      registers,
    });
    this.events = new Counter({
      name: 'otp_email_events_total',
      help: "SendGrid Event Webhook events by type (delivered, deferred, bounce, blocked, dropped, spamreport, other) and what became of them (applied, recorded, duplicate, unknown: no live code, ignored)",
      labelNames: ['event', 'result'],
      registers,
    });
    this.webhooks = new Counter({
      name: 'otp_webhook_requests_total',
      help: 'POSTs to /webhooks/sendgrid: accepted, or refused as unsigned, bad_signature, stale, malformed or limited (the client posted too often)',
      labelNames: ['outcome'],
      registers,
    });
    this.merchantWebhooks = new Counter({
      name: 'otp_merchant_webhooks_total',
      help: 'Tries of signed webhooks to the merchant (WEBHOOK_URL): delivered, retry (to be tried again), abandoned (after a day)',
      labelNames: ['outcome'],
      registers,
    });
    this.sendBudgetRefusals = new Counter({
      name: 'otp_send_budget_refusals_total',
      help: 'requestOtp and resendOtp calls refused because a shared send budget is spent: domain (one mail domain), global (everything)',
      labelNames: ['budget'],
      registers,
    });
    this.subscriptionCapRefusals = new Counter({
      name: 'otp_websocket_cap_refusals_total',
      help: 'WebSocket connections and subscriptions refused by a cap: connections_per_client, subscriptions_per_connection, subscriptions_per_client',
      labelNames: ['cap'],
      registers,
    });
    this.funnelStages = new Counter({
      name: 'otp_funnel_total',
      help: 'Codes reaching each stage: requested (SENT), sent (first email accepted by SendGrid), delivered, bounced (bounce, blocked, dropped), verified; by kind (payment, signIn, emailVerification, other) and by the address\'s provider (gmail, outlook, yahoo, icloud, proton, other)',
      labelNames: ['stage', 'kind', 'provider'],
      registers,
    });
    this.emailDelay = new Histogram({
      name: 'otp_email_delay_seconds',
      help: 'From the code being stored to SendGrid accepting its email',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.operationDuration = new Histogram({
      name: 'graphql_operation_duration_seconds',
      help: 'GraphQL operation duration by operation name (RequestOtp, ResendOtp, VerifyOtp, OtpPolicy, other)',
      labelNames: ['operation'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    // A scrape never fails because the store does: the store's gauges say what they can (NaN
    // when the store did not answer in time) and otp_store_up says why, so every other metric
    // is still there exactly when an alert should fire.
    const answers = () => this.storeAnswers(store);
    new Gauge({
      name: 'otp_store_up',
      help: '1 when the store answered a ping within 2 s at this scrape, else 0',
      registers,
      async collect() {
        this.set((await answers()) ? 1 : 0);
      },
    });
    new Gauge({
      name: 'otp_delivery_oldest_pending_seconds',
      help: 'Age of the oldest code whose email is not yet sent (0 when none, NaN when the store did not answer): the listener lag',
      registers,
      async collect() {
        const at = now();
        const oldest = await probe(() => store.oldestPendingDelivery(at));
        if (!oldest.ok) this.set(Number.NaN);
        else this.set(oldest.value ? Math.max(0, (at.getTime() - oldest.value.getTime()) / 1000) : 0);
      },
    });
  }

  /**
   * Every series a rule or panel reads, at 0 from the first scrape, in the role that owns it
   * (a labelled counter otherwise appears only at its first count, and `rate(...) == 0` over
   * nothing is empty, not 0: an alert on "no email sent" could never fire for a worker that
   * never sent one). Known label values only: statuses, outcomes, events, budgets, caps and
   * operations are fixed lists, so this adds a bounded few series (docs/operators.md).
   */
  startAtZero(role: 'all' | 'api' | 'worker'): void {
    const api = role !== 'worker';
    const worker = role !== 'api';
    const zero = <L extends string>(counter: Counter<L>, label: L, values: readonly string[]) => values.forEach((value) => counter.inc({ [label]: value } as Record<L, string>, 0));
    if (api) {
      for (const counter of [this.requests, this.resends, this.verifications]) zero(counter, 'status', Object.values(OtpStatus));
      zero(this.sendBudgetRefusals, 'budget', ['domain', 'global', 'merchant']);
      zero(this.webhooks, 'outcome', ['accepted', 'unsigned', 'bad_signature', 'stale', 'malformed', 'limited']);
      zero(this.subscriptionCapRefusals, 'cap', ['connections_per_client', 'subscriptions_per_connection', 'subscriptions_per_client']);
      for (const operation of [...KNOWN_OPERATIONS, 'other']) this.operationDuration.zero({ operation });
    }
    // SendGrid's events are recorded by the API (the Event Webhook) and, in development, by the
    // sending process (the log mailer plays them).
    for (const event of [...SENDGRID_EVENTS, 'other']) for (const result of ['applied', 'recorded', 'duplicate', 'unknown', 'ignored']) this.events.inc({ event, result }, 0);
    // The funnel: sent where emails are sent, the rest where requests and SendGrid's events arrive.
    const stages = FUNNEL_STAGES.filter((stage) => (stage === 'sent' ? worker : api));
    for (const stage of stages) for (const kind of EMAIL_KINDS) for (const provider of MAIL_PROVIDERS) this.funnelStages.inc({ stage, kind, provider }, 0);
    if (worker) {
      zero(this.emails, 'outcome', ['sent', 'retried', 'failed']);
      zero(this.merchantWebhooks, 'outcome', ['delivered', 'retry', 'abandoned']);
    }
  }

  /**
   * Exports otp_listener_up from `running` (the dispatcher's change-stream listener), in the
   * processes that send emails: 0 while it is down and reconnecting.
   */
  watchListener(running: () => boolean, store: StoreHealth): void {
    const answers = () => this.storeAnswers(store);
    new Gauge({
      name: 'otp_listener_up',
      help: "1 while this process's change-stream listener (new codes to email) runs and its database answers, else 0",
      registers: [this.registry],
      // A listener whose database is gone hears nothing, though its driver may take a minute to
      // say so: the same scrape's ping decides, so this falls to 0 within a scrape of the loss.
      async collect() {
        this.set(running() && (await answers()) ? 1 : 0);
      },
    });
  }

  /** One ping per scrape: gauges collected together share the ping in flight. */
  private pingInFlight: Promise<boolean> | null = null;
  private storeAnswers(store: StoreHealth): Promise<boolean> {
    if (!this.pingInFlight) {
      const ping = probe(() => store.ping()).then((r) => r.ok);
      this.pingInFlight = ping;
      void ping.finally(() => {
        if (this.pingInFlight === ping) this.pingInFlight = null;
      });
    }
    return this.pingInFlight;
  }

  requested(status: string): void {
    this.requests.inc({ status });
  }

  resent(status: string): void {
    this.resends.inc({ status });
  }

  verified(status: string): void {
    this.verifications.inc({ status });
  }

  sendBudgetRefused(budget: 'domain' | 'global' | 'merchant'): void {
    this.sendBudgetRefusals.inc({ budget });
  }

  subscriptionCapRefused(cap: SubscriptionCap): void {
    this.subscriptionCapRefusals.inc({ cap });
  }

  funnel(stage: FunnelStage, kind: EmailKind, provider: MailProvider): void {
    this.funnelStages.inc({ stage, kind, provider });
  }

  delivered(record: OtpRecord, outcome: DeliveryOutcome): void {
    this.emails.inc({ outcome: outcome.state });
    // The funnel's "sent": a code's first email (a resend is not another code).
    if (outcome.state === 'sent' && record.resends === 0) this.funnel('sent', emailKind(record), mailProvider(record.email));
    // From the code's creation: a resend's email is not a delay of the first one.
    if (outcome.state === 'sent' && record.resends === 0) this.emailDelay.observe((outcome.at.getTime() - record.createdAt.getTime()) / 1000);
  }

  deliveryEvent(event: SendGridEventName, result: DeliveryMoveResult | 'ignored', facts?: EventFacts): void {
    this.events.inc({ event, result });
    // Once per code: only the event that moved its state (a duplicate or late news moves nothing).
    if (facts && result === 'applied') {
      if (event === 'delivered') this.funnel('delivered', facts.kind, facts.provider);
      if (event === 'bounce' || event === 'blocked' || event === 'dropped') this.funnel('bounced', facts.kind, facts.provider);
    }
  }

  webhook(outcome: 'accepted' | 'unsigned' | 'bad_signature' | 'stale' | 'malformed' | 'limited'): void {
    this.webhooks.inc({ outcome });
  }

  merchantWebhook(outcome: 'delivered' | 'retry' | 'abandoned'): void {
    this.merchantWebhooks.inc({ outcome });
  }

  retried(recipients: number): void {
    this.emails.inc({ outcome: 'retried' }, recipients);
  }

  retriedUnconfirmed(recipients: number): void {
    this.unconfirmedRetries.inc(recipients);
  }

  /** `name`: the operation's own field, capitalised (operationLabel); anything else counts as other. */
  operation(name: string | null, seconds: number): void {
    this.operationDuration.observe({ operation: name && KNOWN_OPERATIONS.has(name) ? name : 'other' }, seconds);
  }
}

// Sends the outbox's merchant webhooks, signed per the Standard Webhooks specification (the
// `standardwebhooks` package: webhook-id, webhook-timestamp, webhook-signature). At least once:
// an event leaves the outbox only when the receiver answers 2xx; otherwise it is tried again
// with backoff, under the same id, by this process or (its claim having lapsed) another.
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { Clock } from '../clock.js';
import type { Logger } from '../logger.js';
import { backoffDelayMs } from '../backoff.js';
import { LogOncePer, OUTAGE_LOG_PERIOD_MS } from '../log-once-per.js';
import { inSpanOf } from '../telemetry/trace-context.js';
import type { OutboxEvent, OutboxOutcome, PaymentRecords, WebhookOutbox } from '../store/otp.store.js';

export interface WebhookSenderOptions {
  /** The outbox, and the payment codes whose unused expiry is due to be told (otp.expired). */
  outbox: WebhookOutbox & Pick<PaymentRecords, 'expirePayments'>;
  url: string;
  /** The shared secret, `whsec_…` (base64 after the prefix). */
  secret: string;
  clock: Clock;
  logger: Logger;
  /** How often the outbox is looked at. Default 1 s. */
  pollMs?: number;
  /** First wait after a failed try; doubles, plus jitter. Default 1 s. */
  retryBaseMs?: number;
  /** Longest wait between tries. Default 5 min. */
  retryMaxMs?: number;
  /** After this long an event is given up on (logged). Default 24 h. */
  giveUpAfterMs?: number;
  /** Per request. Default 10 s. */
  timeoutMs?: number;
  observer?: { merchantWebhook(outcome: OutboxOutcome['state']): void };
}

/** Address documents read per relay. */
const RELAY_BATCH = 100;
/** Events sent at once. */
const SEND_BATCH = 20;
/** Relays and batches per poll, at most. */
const ROUNDS_PER_POLL = 10;

export class WebhookSender {
  private readonly signer: Webhook;
  private readonly worker = `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** An outbox that cannot be read fails every poll: said once a minute. */
  private readonly outboxUnreadable = new LogOncePer(OUTAGE_LOG_PERIOD_MS);
  private readonly o: Required<Omit<WebhookSenderOptions, 'observer'>> & Pick<WebhookSenderOptions, 'observer'>;

  constructor(options: WebhookSenderOptions) {
    this.o = { pollMs: 1_000, retryBaseMs: 1_000, retryMaxMs: 300_000, giveUpAfterMs: 24 * 3600 * 1000, timeoutMs: 10_000, ...options };
    this.signer = new Webhook(options.secret);
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      this.running ??= this.sendDue()
        .catch((err: unknown) => this.outboxUnreadable.say((leftOut) => this.o.logger.error({ err, leftOutSinceLastLine: leftOut }, 'webhook outbox could not be read; trying again (said at most once a minute)')))
        .finally(() => (this.running = null));
    }, this.o.pollMs);
    this.timer.unref();
  }

  /** Stops looking; a try under way finishes (its event stays claimed until the lease lapses if not). */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running;
  }

  /**
   * Sends what is due now; resolves when those tries are done. A full batch is followed by
   * another at once (a few rounds per poll), so a burst of events does not wait a second per 20.
   */
  async sendDue(): Promise<void> {
    const leaseMs = this.o.timeoutMs * 3;
    // Payment codes that died unused since the last poll: their otp.expired joins the events waiting.
    await this.o.outbox.expirePayments(RELAY_BATCH);
    for (let round = 0; round < ROUNDS_PER_POLL; round += 1) {
      // Events written beside their change (MongoDB) join the outbox first.
      const relayed = await this.o.outbox.relayWebhooks(RELAY_BATCH);
      const events = await this.o.outbox.claimWebhooks(this.worker, leaseMs, SEND_BATCH);
      await Promise.all(events.map(async (event) => this.finish(event, await this.send(event))));
      if (relayed < RELAY_BATCH && events.length < SEND_BATCH) return;
    }
  }

  /** One try, in a span that joins the trace of what made the event. */
  private send(event: OutboxEvent): Promise<OutboxOutcome> {
    return inSpanOf(event.trace, 'otp.merchant_webhook', { attributes: { 'otp.webhook.type': event.type, 'otp.webhook.attempt': event.attempts + 1 } }, async (span) => {
      const outcome = await this.sendOnce(event);
      span.setAttribute('otp.webhook.outcome', outcome.state);
      return outcome;
    });
  }

  private async sendOnce(event: OutboxEvent): Promise<OutboxOutcome> {
    const now = this.o.clock.now();
    const answer = await postWebhook(this.signer, this.o.url, event, now, this.o.timeoutMs);
    if (answer.ok) return { state: 'delivered' };
    if (now.getTime() - event.createdAt.getTime() >= this.o.giveUpAfterMs) return { state: 'abandoned', error: answer.error };
    return { state: 'retry', error: answer.error, retryInMs: Math.min(backoffDelayMs(event.attempts + 1, this.o.retryBaseMs), this.o.retryMaxMs) };
  }

  private async finish(event: OutboxEvent, outcome: OutboxOutcome): Promise<void> {
    if (!(await this.o.outbox.completeWebhook(event.id, this.worker, outcome))) return;
    this.o.observer?.merchantWebhook(outcome.state);
    const fields = { webhookId: event.id, type: event.type, attempts: event.attempts + 1 };
    if (outcome.state === 'retry') this.o.logger.warn({ ...fields, reason: outcome.error, delayMs: outcome.retryInMs }, 'merchant webhook failed; will retry');
    else if (outcome.state === 'abandoned') this.o.logger.error({ ...fields, reason: outcome.error }, 'merchant webhook given up on after a day of tries');
  }
}

/**
 * One signed POST of `event` to `url` (the sender's tries, and `npm run webhook:test`): ok on a
 * 2xx, else why not, in words that never quote the receiver's body.
 */
export async function postWebhook(signer: Webhook, url: string, event: Pick<OutboxEvent, 'id' | 'payload'>, now: Date, timeoutMs: number): Promise<{ ok: true; status: number } | { ok: false; error: string }> {
  try {
    const signature = signer.sign(event.id, now, event.payload);
    const response = await fetch(url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'webhook-id': event.id,
        'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
        'webhook-signature': signature,
      },
      body: event.payload,
      signal: AbortSignal.timeout(timeoutMs),
      // Never follow a redirect: the signed event (with an address in it) would go wherever the
      // receiver points, another host or a local one. A 3xx is a failure, tried again later.
      redirect: 'manual',
    });
    await response.body?.cancel();
    return response.ok ? { ok: true, status: response.status } : { ok: false, error: `the receiver answered ${response.status}` };
  } catch (err) {
    return { ok: false, error: `the receiver could not be reached (${(err as Error).name})` };
  }
}

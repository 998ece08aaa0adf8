// What SendGrid's Event Webhook reports, applied to the codes' delivery states. The webhook
// route has already checked the signature; here each event is mapped to a move of its code's
// state (later news never undoes final news), recorded once by its sg_event_id, counted, and
// logged by code id and event type: never the address, which every event carries.
import type { Logger } from '../logger.js';
import type { DeliveryMove, DeliveryMoveResult, DeliveryQueue } from '../store/delivery-queue.js';
import type { DeliveryState } from '../store/record.js';
import { OTP_ID_ARG, OTP_KIND_ARG } from './dispatcher.types.js';
import { mailProvider, type MailProvider } from '../edge/mailbox.js';
import { knownKind, type EmailKind } from '../otp/code-kind.js';
import { inSpanOf } from '../telemetry/trace-context.js';
import { NO_MERCHANT_EVENTS, type MerchantEvents } from '../webhooks/merchant-events.js';

/** The events recorded; anything else SendGrid sends (processed, open, click, …) is counted as "other". */
export const SENDGRID_EVENTS = ['delivered', 'deferred', 'bounce', 'blocked', 'dropped', 'spamreport'] as const;
export type SendGridEventName = (typeof SENDGRID_EVENTS)[number] | 'other';

/** Until the email is delivered, bounced or dropped, news can still move it. */
const OPEN: readonly DeliveryState[] = ['sent', 'deferred'];

const MOVES: Record<Exclude<SendGridEventName, 'other'>, { to: DeliveryState | null; from: readonly DeliveryState[] }> = {
  delivered: { to: 'delivered', from: OPEN },
  // SendGrid keeps trying a deferred email for up to 72 hours; the code dies long before.
  deferred: { to: 'deferred', from: OPEN },
  bounce: { to: 'bounced', from: OPEN },
  // A bounce of type "blocked" (the receiving server refused the sender), reported on its own by older accounts.
  blocked: { to: 'bounced', from: OPEN },
  dropped: { to: 'dropped', from: OPEN },
  // The user marked it as spam: it was delivered; recorded and counted, the state kept.
  spamreport: { to: null, from: [] },
};

/** What the funnel reads of an event: the code's kind (our custom arg) and its address's provider. */
export interface EventFacts {
  kind: EmailKind;
  provider: MailProvider;
}

export interface EventObserver {
  deliveryEvent(event: SendGridEventName, result: DeliveryMoveResult | 'ignored', facts?: EventFacts): void;
}

/** One event as SendGrid posts it (only the fields read here). */
interface SendGridEvent {
  event?: unknown;
  sg_event_id?: unknown;
  type?: unknown;
  [OTP_ID_ARG]?: unknown;
  [OTP_KIND_ARG]?: unknown;
  /** The recipient, as SendGrid reports it: read for its provider only. */
  email?: unknown;
  /** The email span's traceparent, a custom arg of ours (dispatcher.ts). */
  traceparent?: unknown;
}

export function eventName(raw: SendGridEvent): SendGridEventName {
  if (raw.event === 'bounce' && raw.type === 'blocked') return 'blocked';
  return (SENDGRID_EVENTS as readonly unknown[]).includes(raw.event) ? (raw.event as SendGridEventName) : 'other';
}

export class SendGridEvents {
  constructor(
    private readonly store: Pick<DeliveryQueue, 'findById' | 'recordDeliveryMove'>,
    private readonly logger: Logger,
    private readonly observer?: EventObserver,
    private readonly merchant: MerchantEvents = NO_MERCHANT_EVENTS,
  ) {}

  /** Records a batch of events (the webhook's body); returns how many moved a state. */
  async record(events: unknown[]): Promise<number> {
    let applied = 0;
    for (const raw of events) {
      const result = await this.recordOne((raw ?? {}) as SendGridEvent);
      if (result === 'applied') applied += 1;
    }
    return applied;
  }

  /** One event, in a span that joins its email's trace (the traceparent it carries back). */
  private recordOne(raw: SendGridEvent): Promise<DeliveryMoveResult | 'ignored'> {
    const traceparent = typeof raw.traceparent === 'string' ? raw.traceparent : null;
    return inSpanOf(traceparent, 'otp.delivery_event', { attributes: { 'otp.event': eventName(raw) } }, async (span) => {
      const result = await this.recordEvent(raw);
      span.setAttribute('otp.event.result', result);
      return result;
    });
  }

  private async recordEvent(raw: SendGridEvent): Promise<DeliveryMoveResult | 'ignored'> {
    const name = eventName(raw);
    const id = raw[OTP_ID_ARG];
    const eventId = raw.sg_event_id;
    // Not ours (no otp_id: another sender on the account), not one we record, or malformed.
    if (name === 'other' || typeof id !== 'string' || typeof eventId !== 'string' || eventId.length > 200) {
      this.observer?.deliveryEvent(name, 'ignored');
      return 'ignored';
    }
    const { to, from } = MOVES[name];
    const event: DeliveryMove = { eventId, to, from };
    // A bounce or a drop: the merchant's backend hears of it too, with the address the code was
    // for, written in the step that moves the state (so a replay, seen as a duplicate, never
    // finds the event missing). The address is read first; it never changes.
    const failed = (to === 'bounced' || to === 'dropped') && this.merchant !== NO_MERCHANT_EVENTS ? to : null;
    const record = failed && (await this.store.findById(id));
    const webhook = failed && record ? this.merchant.deliveryFailed({ email: record.email, purpose: record.purpose, requestId: id, transaction: record.transaction, reason: failed }) : undefined;
    const result = await this.store.recordDeliveryMove(id, event, webhook);
    this.observer?.deliveryEvent(name, result, { kind: knownKind(raw[OTP_KIND_ARG]), provider: mailProvider(typeof raw.email === 'string' ? raw.email : '') });
    this.logger.info({ event: name, requestId: id, result }, 'email event');
    return result;
  }
}

// The merchant API's rules: who may ask (the call token names the merchant; merchant-token.ts),
// how often (each merchant's own budget of calls a minute), and what: its own payment codes
// only, looked up by the request's id or the intent's, canceled with their otp.canceled written
// in the same step, its webhooks replayed, a signed test event sent. Codes without an intent
// belong to no merchant and are not shown here. Nothing here knows HTTP or GraphQL.
import type { Clock } from '../clock.js';
import type { MerchantDirectory } from '../merchants/merchant.js';
import { RateLimitedError } from '../otp/otp.commands.js';
import { checkRequestId, InvalidInputError } from '../otp/otp.input.js';
import { toSeconds } from '../otp/request-checks.js';
import { StoreUnavailableError, type CodeStore, type PaymentLookup, type PaymentRecords, type StoreHealth, type WebhookOutbox } from '../store/otp.store.js';
import type { MerchantEvents } from '../webhooks/merchant-events.js';
import { authenticateMerchant } from './merchant-token.js';
import { verificationOf, type Verification } from './timeline.js';

export interface MerchantApiDeps {
  store: PaymentRecords & Pick<CodeStore, 'countClient'> & Pick<WebhookOutbox, 'replayWebhook' | 'enqueueWebhook'> & Pick<StoreHealth, 'isUnavailable'>;
  clock: Clock;
  merchants: MerchantDirectory;
  /** Makes otp.canceled and the test event; NO_MERCHANT_EVENTS without WEBHOOK_URL. */
  events: MerchantEvents;
  /** Whether webhooks are sent at all (WEBHOOK_URL): replay and test events need them. */
  webhooksOn: boolean;
  /** OTP_MAX_ATTEMPTS: a code this many wrong guesses old is locked. */
  maxAttempts: number;
  /** MERCHANT_API_MAX_CALLS_PER_MINUTE. */
  maxCallsPerMinute: number;
}

/** A well-formed intent id (a payment intent's jti). */
const INTENT_ID = /^[A-Za-z0-9_.:-]{1,128}$/;
/** A Standard Webhooks message id as this service makes them. */
const WEBHOOK_ID = /^msg_[0-9a-f]{32}$/;

/** The merchant's payment `lookup` names does not exist (or is not its): one answer for both. */
export class NotFoundError extends Error {
  constructor(what: string) {
    super(`${what} not found among your payments (records are kept PAYMENT_RECORD_SECONDS after the code expires)`);
    this.name = 'NotFoundError';
  }
}

export class MerchantApi {
  constructor(private readonly d: MerchantApiDeps) {}

  /** The merchant a call's `Authorization` header speaks for (MerchantTokenRefusedError otherwise). */
  authenticate(authorization: string | undefined): Promise<string> {
    return authenticateMerchant(authorization, this.d.merchants, this.d.clock.now());
  }

  /** The merchant's payment verification named by `lookup`, or null. */
  async verification(merchant: string, lookup: { requestId?: string | null; intentId?: string | null }): Promise<Verification | null> {
    const by = lookupOf(lookup);
    await this.count(merchant);
    return this.read(merchant, by);
  }

  /**
   * Cancels the merchant's live payment code: it dies at once, with its otp.canceled. One that
   * is dead already is shown as it is (`canceled` false), and nothing changes.
   */
  async cancel(merchant: string, lookup: { requestId?: string | null; intentId?: string | null }): Promise<{ canceled: boolean; verification: Verification }> {
    const by = lookupOf(lookup);
    await this.count(merchant);
    const record = await this.guard(this.d.store.findPayment(merchant, by));
    if (!record?.transaction) throw new NotFoundError('intentId' in by ? 'intentId' : 'requestId');
    const now = this.d.clock.now();
    const webhook = this.d.events.canceled({ email: record.email, purpose: record.purpose, requestId: record.id, transaction: record.transaction });
    const canceled = await this.guard(this.d.store.cancelPayment({ mailbox: record.mailbox, id: record.id, merchant, now, maxAttempts: this.d.maxAttempts, ...(webhook ? { webhook } : {}) }));
    const after = await this.read(merchant, { requestId: record.id });
    return { canceled, verification: after! };
  }

  /** Sends the merchant's webhook `id` again, under its own id (kept a day after it was finished). */
  async replayWebhook(merchant: string, id: string): Promise<void> {
    if (!WEBHOOK_ID.test(id)) throw new InvalidInputError('id', 'must be a webhook id as its webhook-id header said it (msg_ and 32 hexadecimal digits)');
    this.webhooksNeeded();
    await this.count(merchant);
    if (!(await this.guard(this.d.store.replayWebhook(id, merchant)))) throw new NotFoundError('webhook');
  }

  /** Puts a signed test event in the outbox for the merchant; its id. */
  async sendTestWebhook(merchant: string): Promise<string> {
    this.webhooksNeeded();
    await this.count(merchant);
    const event = this.d.events.test(merchant)!;
    await this.guard(this.d.store.enqueueWebhook(event));
    return event.id;
  }

  private async read(merchant: string, by: PaymentLookup): Promise<Verification | null> {
    const record = await this.guard(this.d.store.findPayment(merchant, by));
    return record?.transaction ? verificationOf({ ...record, transaction: record.transaction }, this.d.maxAttempts, this.d.clock.now()) : null;
  }

  private webhooksNeeded(): void {
    if (!this.d.webhooksOn) throw new InvalidInputError('webhook', 'no webhooks are sent by this service (WEBHOOK_URL is not set): ask its operator');
  }

  /** One call against the merchant's own budget; refused: RATE_LIMITED with the wait. */
  private async count(merchant: string): Promise<void> {
    const limit = { key: `merchant-api|${merchant}`, limit: { max: this.d.maxCallsPerMinute, windowSeconds: 60 } };
    const refused = await this.guard(this.d.store.countClient(limit, this.d.clock.now()));
    if (refused !== null) throw new RateLimitedError(toSeconds(refused));
  }

  /** A store out of reach answers SERVICE_UNAVAILABLE (retryable), as the public API does. */
  private async guard<T>(step: Promise<T>): Promise<T> {
    try {
      return await step;
    } catch (error) {
      if (this.d.store.isUnavailable(error)) throw new StoreUnavailableError(error);
      throw error;
    }
  }
}

/** Exactly one of requestId and intentId, well formed: BAD_USER_INPUT otherwise (nothing counted). */
function lookupOf({ requestId, intentId }: { requestId?: string | null; intentId?: string | null }): PaymentLookup {
  if ((requestId == null) === (intentId == null)) throw new InvalidInputError('requestId', 'give exactly one of requestId (what requestOtp answered) and intentId (your payment intent\'s jti)');
  if (requestId != null) {
    checkRequestId(requestId);
    return { requestId };
  }
  if (!INTENT_ID.test(intentId!)) throw new InvalidInputError('intentId', 'must be a payment intent\'s id (jti): 1 to 128 letters, digits or _ . : -');
  return { intentId: intentId! };
}

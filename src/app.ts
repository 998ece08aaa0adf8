// The composition root: builds store, service, mailer, dispatcher and HTTP server from a
// Config, and closes them in the right order. main.ts, the tests and the benchmark all start
// the service through here, so they run the same wiring. The role (config.role) decides which
// halves run: the GraphQL API, the dispatcher that sends the emails, or both.
import { DEMO_MERCHANT_ID, MerchantsFileError, reloadMerchantsFile } from './merchants/merchants.file.js';
import { PaymentIntents } from './merchants/payment-intent.js';
import { systemClock, type Clock } from './clock.js';
import type { Config } from './config.js';
import { DeliveryStatuses } from './delivery/delivery-status.js';
import { Dispatcher } from './delivery/dispatcher.js';
import { SendGridEvents } from './delivery/sendgrid-events.js';
import { NO_MERCHANT_EVENTS, StandardMerchantEvents } from './webhooks/merchant-events.js';
import { WebhookSender } from './webhooks/sender.js';
import { buildOtpSchema } from './graphql/schema.js';
import { buildMerchantSchema } from './merchant-api/merchant-api.schema.js';
import { MerchantApi } from './merchant-api/merchant-api.service.js';
import { SubscriptionCaps } from './edge/subscription-caps.js';
import { createHttpServer, createOpsServer, type HttpServer } from './http/server.js';
import { createLogger, type Logger } from './logger.js';
import { createMailer } from './mail/create-mailer.js';
import type { Mailer } from './mail/mailer.js';
import { LogMailer } from './mail/log.mailer.js';
import { OtpEmails } from './mail/otp-emails.js';
import { Metrics } from './ops/metrics.js';
import { Readiness } from './ops/readiness.js';
import { createOtpService, createVerificationTokens } from './create-service.js';
import type { OtpService } from './otp/otp.service.js';
import { createStore } from './store/create-store.js';
import type { OtpStore } from './store/otp.store.js';

/** "0.0.0.0:4000 (every interface)", "127.0.0.1:4000 (this machine only)", "[::]:4000 (every interface)". */
export function listeningOn(host: string, port: number): string {
  const shown = host.includes(':') ? `[${host}]` : host;
  const scope = host === '0.0.0.0' || host === '::' ? ' (every interface)' : /^(127\.|::1$|localhost$)/.test(host) ? ' (this machine only)' : '';
  return `${shown}:${port}${scope}`;
}

export interface AppOverrides {
  clock?: Clock;
  logger?: Logger;
  store?: OtpStore;
  mailer?: Mailer;
}

export interface App {
  config: Config;
  logger: Logger;
  store: OtpStore;
  service: OtpService;
  /** Null in an API-only process (ROLE=api). */
  dispatcher: Dispatcher | null;
  /** Sends the merchant webhooks; null without WEBHOOK_URL, or in an API-only process. */
  webhookSender: WebhookSender | null;
  http: HttpServer;
  metrics: Metrics;
  readiness: Readiness;
  /** Reads MERCHANTS_FILE again (SIGHUP): a bad file keeps the merchants in force and logs one line. */
  reloadMerchants(): void;
  /** Starts the dispatcher and the HTTP listener; resolves to the GraphQL URL (a worker's: its base URL). */
  start(): Promise<string>;
  /** Stops taking requests, finishes claimed sends, then closes the store. */
  close(): Promise<void>;
}

export async function createApp(config: Config, overrides: AppOverrides = {}): Promise<App> {
  const clock = overrides.clock ?? systemClock;
  const logger = overrides.logger ?? createLogger(config);
  const store = overrides.store ?? (await createStore(config.mongodb, logger));
  const metrics = new Metrics(store, () => clock.now());
  metrics.startAtZero(config.role);
  const tokens = createVerificationTokens(config);
  if (!config.verificationToken.signingKey && config.role !== 'worker') {
    logger.warn('VERIFICATION_TOKEN_PRIVATE_KEY is not set: verification tokens are signed with a key made at start, which dies with this process (development only)');
  }
  if (config.merchants.has(DEMO_MERCHANT_ID) && config.role !== 'worker') {
    logger.warn(
      { merchant: DEMO_MERCHANT_ID },
      'MERCHANTS_FILE is not set: the demo merchant "Demo Shop" takes payment intents signed with its public development key (development only); make one with: node scripts/demo-intent.mjs 149.90 MYR',
    );
  }
  // Signed webhooks to the merchant's backend: recorded by every role with the change they
  // report, sent where emails are sent.
  const merchantEvents = config.merchantWebhooks ? new StandardMerchantEvents(clock) : NO_MERCHANT_EVENTS;
  const service = createOtpService(config, { store, clock, observer: metrics, logger, tokens, events: merchantEvents, intents: new PaymentIntents(config.merchants) });
  const production = config.nodeEnv === 'production';

  // The mail half: none in an API-only process.
  // SendGrid's events, from its Event Webhook (HTTP) or played by the development log mailer.
  const providerEvents = new SendGridEvents(store, logger, metrics, merchantEvents);
  const mailer: Mailer | null = config.role === 'api' ? null : (overrides.mailer ?? createMailer(config.mail, logger, (events) => providerEvents.record(events)));
  const dispatcher =
    mailer &&
    new Dispatcher({
      store,
      mailer,
      hasher: service.codeHasher,
      emails: new OtpEmails({ ...config.mail, templates: config.mail.templates! }),
      clock,
      logger,
      observer: metrics,
      events: merchantEvents,
      ...config.delivery,
    });
  if (dispatcher) metrics.watchListener(() => dispatcher.running, store);
  // Delivery status for the API (otpDelivery, otpDeliveryChanged); its store feed opens with the first watcher.
  const deliveries = new DeliveryStatuses(store, clock, logger);
  const webhookSender =
    config.merchantWebhooks && config.role !== 'api'
      ? new WebhookSender({ outbox: store, clock, logger, observer: metrics, ...config.merchantWebhooks })
      : null;
  // The log mailer's last emails at /dev/mailbox: development only (production refuses the log mailer too).
  const devMailbox = !production && mailer instanceof LogMailer ? mailer.mailbox : null;
  const readiness = new Readiness(store, mailer && dispatcher && { dispatcher, mailer }, production);

  const http =
    config.role === 'worker'
      ? createOpsServer({ logger, metrics, readiness, metricsToken: config.metricsToken, devMailbox })
      : await createHttpServer({
          schema: await buildOtpSchema(),
          service,
          tokens,
          deliveries,
          sendgridEvents: config.mail.sendgridEvents && { ...config.mail.sendgridEvents, ipv6PrefixLength: config.client.ipv6PrefixLength, events: providerEvents, now: () => clock.now() },
          logger,
          production,
          introspection: config.graphql.introspection,
          trustProxy: config.trustProxy,
          corsOrigins: config.corsOrigins,
          devMailbox,
          // Merchants' backends ask about their own payment codes (docs/merchant-backend.md).
          merchantApi: {
            schema: await buildMerchantSchema(),
            api: new MerchantApi({
              store,
              clock,
              merchants: config.merchants,
              events: merchantEvents,
              webhooksOn: config.merchantWebhooks !== null,
              maxAttempts: config.otp.maxAttempts,
              maxCallsPerMinute: config.merchantApi.maxCallsPerMinute,
            }),
          },
          subscriptionCaps: new SubscriptionCaps({ ...config.edge.subscriptions, ipv6PrefixLength: config.client.ipv6PrefixLength }, metrics),
          playground: config.graphql.playground,
          batching: config.graphql.batching,
          metrics,
          readiness,
          metricsToken: config.metricsToken,
        });

  return {
    config,
    logger,
    store,
    service,
    dispatcher,
    webhookSender,
    http,
    metrics,
    readiness,
    reloadMerchants() {
      if (!config.merchantsFile) {
        logger.warn('SIGHUP: MERCHANTS_FILE is not set, so there are no merchants to read again');
        return;
      }
      try {
        const count = reloadMerchantsFile(config.merchants, config.merchantsFile);
        logger.info({ merchants: count }, 'MERCHANTS_FILE read again (SIGHUP): its merchants are in force');
      } catch (error) {
        if (!(error instanceof MerchantsFileError)) throw error;
        logger.error({ variable: 'MERCHANTS_FILE' }, `MERCHANTS_FILE not read again: ${error.message.replace(/^MERCHANTS_FILE: /, '')}; the merchants read before stay in force`);
      }
    },
    async start() {
      // The port first: a port in use ends start-up before the dispatcher says it listens.
      const address = await http.fastify.listen({ port: config.port, host: config.host });
      await dispatcher?.start();
      webhookSender?.start();
      const base = address.replace('0.0.0.0', 'localhost');
      const url = config.role === 'worker' ? base : `${base}/graphql`;
      // Where it really listens (HOST): every interface by default, which the URL alone hides.
      const listening = listeningOn(config.host, Number(new URL(address).port));
      logger.info({ url, listening, role: config.role, store: store.kind, mailer: mailer?.kind ?? null }, `otp-graphql is serving at ${url}, listening on ${listening}`);
      return url;
    },
    async close() {
      readiness.draining = true; // /readyz answers 503 from here on
      await http.fastify.close(); // stops accepting; in-flight requests finish (Apollo's drain plugin)
      await dispatcher?.stop(); // finishes the sends it has claimed and saves the feed position
      await webhookSender?.stop();
      await deliveries.close();
      await store.close();
      logger.info('stopped cleanly');
    },
  };
}

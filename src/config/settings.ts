// Every setting the service reads, declared once: name, type, bounds, default (the zod
// schema), what it means and which roles read it (`setting`, src/env.ts). The edge's settings
// are declared beside the code they configure (edge/edge.config.ts) and joined here.
// .env.example, the compose environment and docs/operators.md are checked against these
// declarations by test/settings.test.ts.
import { z } from 'zod';
import { edgeEnvShape } from '../edge/edge.config.js';
import { ALL, API, int, optionalString, perPurpose, setting, WORKER } from '../env.js';
import { isTimeZone } from '../mail/email-values.js';
import { parseMailFrom } from '../mail/mail-from.js';

export const DEV_OTP_SECRET = 'dev-only-otp-secret-do-not-use-in-production';
const SENDGRID_DEFAULT_BASE_URL = 'https://api.sendgrid.com';


/** The original design's names: fine for trying the service, wrong in anyone's production. */
export const PLACEHOLDER_BRAND = 'MyBank2U';
export const PLACEHOLDER_MERCHANT = 'Merchant2U';

export const envSchema = z.object({
  // No default here: what an unset NODE_ENV means is decided below (see developmentByDefault).
  NODE_ENV: setting(z.enum(['development', 'production', 'test'], {
    message: 'must be development, production or test',
  }).optional(), "production refuses to start without SENDGRID_API_KEY, METRICS_TOKEN, random secrets and a real sender (MAIL_*)", ALL),
  PORT: setting(int(0, 65535).default(4000), "the port the HTTP server listens on; GraphQL at /graphql", ALL),
  HOST: setting(z.string().min(1).default('0.0.0.0'), "the address the HTTP server listens on", ALL),
  LOG_LEVEL: setting(z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      message: 'must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'), "pino level: fatal error warn info debug trace silent", ALL),

  ROLE: setting(z.enum(['all', 'api', 'worker'], { message: 'must be all, api or worker' }).default('all'), "all: one process serves GraphQL and sends the emails", ALL),
  MONGODB_URI: setting(optionalString, "a replica set; unset: an embedded mongod the service starts (development only)", ALL),
  MONGODB_DB: setting(z.string().min(1).default('otp'), "the database the service keeps its collections in", ALL),
  // Every MongoDB operation's time bound (src/store/mongo/time-bound.ts): a frozen or
  // unreachable database answers SERVICE_UNAVAILABLE after this long, and stores nothing late.
  MONGODB_TIMEOUT_MS: setting(int(500, 120_000).default(5_000), "every MongoDB operation's time bound: past it a request answers SERVICE_UNAVAILABLE and stores nothing late", ALL),

  SENDGRID_API_KEY: setting(optionalString, "unset: the development log mailer (refused in production)", WORKER),
  SENDGRID_BASE_URL: setting(z.url({ message: 'must be an http(s) URL' }).default(SENDGRID_DEFAULT_BASE_URL), "SendGrid's API, or a proxy / test double", WORKER),
  SENDGRID_TIMEOUT_MS: setting(int(100, 120_000).default(10_000), "per-call timeout", WORKER),
  // SendGrid's Event Webhook: the verification key from Mail Settings → Signed Event Webhook.
  SENDGRID_WEBHOOK_PUBLIC_KEY: setting(optionalString, "the Signed Event Webhook's verification key (base64, as SendGrid shows it, or PEM)", API),
  SENDGRID_WEBHOOK_MAX_AGE_SECONDS: setting(int(10, 3_600).default(300), "how old (or how far ahead) a webhook signature's timestamp may be", API),
  SENDGRID_WEBHOOK_MAX_POSTS_PER_MINUTE: setting(int(1, 1_000_000).default(300), "Event Webhook posts per minute per client network, counted before the signature is checked (429 past it)", API),
  MAIL_FROM: setting(z.string().refine((v) => parseMailFrom(v) !== null, { message: 'must be an email address, or a name and one: Bank <otp@bank.example>' }).default('no-reply@example.com'), "sender address (a verified sender in SendGrid), or Name <address>", WORKER),
  MAIL_FROM_NAME: setting(optionalString, "the sender's name the inbox shows (unset: the name in MAIL_FROM, else MAIL_BRAND)", WORKER),
  MAIL_TEMPLATES_DIR: setting(optionalString, "a folder of email templates over the built-in ones (templates/email/): docs/emails.md", WORKER),
  MAIL_TIME_ZONE: setting(z.string().refine(isTimeZone, { message: 'must be an IANA time zone, e.g. Asia/Kuala_Lumpur' }).default('Asia/Kuala_Lumpur'), "the zone an email's expiry time is written in", WORKER),
  SENDGRID_TEMPLATE_IDS: setting(optionalString, "SendGrid Dynamic Templates to send instead of ours: kind[.language]=d-… (docs/emails.md)", WORKER),
  MAIL_BRAND: setting(z.string().min(1).max(60).default(PLACEHOLDER_BRAND), "the brand named in each email's subject and text", WORKER),
  MAIL_MERCHANT: setting(z.string().min(1).max(60).default(PLACEHOLDER_MERCHANT), "shop named in emails for purposes without their own wording", WORKER),
  // Production refuses the placeholders above unless this says they are meant.
  MAIL_ALLOW_PLACEHOLDERS: setting(z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'), "true lets production send with the placeholder sender and names above (a staging system, say)", WORKER),

  OTP_SECRET: setting(z.string().min(1).default(DEV_OTP_SECRET), "HMAC key for stored codes", ALL),
  OTP_TTL_SECONDS: setting(int(1, 86_400).default(300), "life of a code, from each request (1–86400)", API),
  OTP_TTL_SECONDS_BY_PURPOSE: setting(perPurpose('seconds', 'payment=120,login=300'), "a code's life for particular purposes (payment=120,login=300); others live OTP_TTL_SECONDS", API),
  OTP_LENGTH: setting(int(4, 10).default(6), "digits per code (4–10)", API),
  OTP_MAX_ATTEMPTS: setting(int(1, 1000).default(5), "wrong guesses before a request's code is dead", API),
  OTP_RESEND_COOLDOWN_SECONDS: setting(int(0, 86_400).default(30), "minimum gap between two emails for one address, new codes and resends alike (0 turns it off)", API),
  OTP_MAX_SENDS_PER_WINDOW: setting(int(1, 1_000_000).default(5), "emails (new codes and resends) per address per window", API),
  OTP_SEND_WINDOW_SECONDS: setting(int(1, 86_400).default(600), "the window OTP_MAX_SENDS_PER_WINDOW counts in", API),

  GRAPHQL_INTROSPECTION: setting(z.enum(['true', 'false'], { message: 'must be true or false' }).optional(), "schema introspection", API),
  GRAPHQL_BATCHING: setting(z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'), "accept several operations in one request (a JSON array)", API),
  GRAPHQL_PLAYGROUND: setting(z.enum(['graphiql', 'apollo', 'off'], { message: 'must be graphiql, apollo or off' }).optional(), "the page at GET /graphql: graphiql (offline), apollo (Sandbox, from Apollo's CDN), off", API),
  METRICS_TOKEN: setting(optionalString, "/metrics wants Authorization: Bearer <token>; required in production (open metrics tell anyone the traffic and its outcomes)", ALL),
  SHUTDOWN_TIMEOUT_SECONDS: setting(int(1, 600).default(10), "how long a graceful shutdown may take before the process exits anyway", ALL),

  // The address's attempt budget: a sliding window that keeps the time of each wrong guess it
  // counts (bounded). 25 per 6 h is at most 100 wrong guesses a day: 1 in 10,000 for 6 digits.
  OTP_MAX_GUESSES_PER_WINDOW: setting(int(1, 1_000).default(25), "the address's attempt budget: wrong guesses at all its codes per guess window, by everyone", API),
  OTP_GUESS_WINDOW_SECONDS: setting(int(1, 86_400).default(21_600), "the attempt budget's window: a sliding one (at most the budget in any such span)", API),
  // Merchants whose backends sign payment intents: a JSON file (src/merchants/merchants.file.ts).
  MERCHANTS_FILE: setting(optionalString, "the JSON file of merchants whose backends sign payment intents (ids, display names, keys): see Payments", API),
  // A payment code that does not confirm its amount and payee confirms any payment.
  OTP_TRANSACTION_PURPOSES: setting(z
    .string()
    .regex(/^\s*(none|[A-Za-z0-9_.:-]+(\s*,\s*[A-Za-z0-9_.:-]+)*)\s*$/, { message: 'must be a comma list of purposes, or none' })
    .default('payment'), "comma list of purposes whose codes must confirm a payment intent (none: none)", API),

  CLIENT_MAX_REQUESTS_PER_WINDOW: setting(int(1, 1_000_000).default(30), "requestOtp calls per client IP per client window", API),
  CLIENT_MAX_VERIFICATIONS_PER_WINDOW: setting(int(1, 1_000_000).default(100), "verifyOtp calls per client IP per client window", API),
  // otpDelivery reads and otpDeliveryChanged subscriptions: a page polling every 2 s for 10 min is 300.
  CLIENT_MAX_STATUS_READS_PER_WINDOW: setting(int(1, 1_000_000).default(300), "otpDelivery reads and otpDeliveryChanged subscriptions per client IP per client window", API),
  CLIENT_WINDOW_SECONDS: setting(int(1, 86_400).default(600), "the per-client window", API),
  CLIENT_IPV6_PREFIX_LENGTH: setting(int(1, 128).default(64), "IPv6 clients are counted per network of this prefix (a client usually holds a whole /64)", API),
  CLIENT_IPV6_SITE_FACTOR: setting(int(1, 1_000_000).default(8), "IPv6 clients are also counted per /48 (one site), against this many times each per-client budget", API),
  TRUST_PROXY: setting(z
    .string()
    .regex(/^(true|false|\d{1,2}|[0-9a-fA-F:.\/]+(,[0-9a-fA-F:.\/]+)*)$/, {
      message: 'must be false, true, a number of proxy hops, or a comma list of proxy addresses/CIDRs',
    })
    .default('false'), "whose X-Forwarded-For to believe: false, true, a hop count, or a comma list of proxy addresses/CIDRs", API),
  CORS_ORIGINS: setting(optionalString, "comma list of allowed origins", API),

  // The token's signing key (PKCS#8 PEM or JWK; Ed25519 or P-256); unset outside production:
  // one is made at start. Earlier keys stay published for tokens they signed.
  VERIFICATION_TOKEN_PRIVATE_KEY: setting(optionalString, "the Ed25519 (or P-256) private key that signs verificationToken, PKCS#8 PEM or JWK; required in production", API),
  VERIFICATION_TOKEN_PREVIOUS_KEYS: setting(optionalString, "earlier signing keys, still published at /.well-known/jwks.json (rotation)", API),
  VERIFICATION_TOKEN_AUDIENCES: setting(z
    .string()
    .regex(/^\s*[^,\s]+(\s*,\s*[^,\s]+)*\s*$/, { message: 'must be a comma list of audience names' })
    .default('merchant-backend'), "comma list of the aud values a caller may ask for", API),
  VERIFICATION_TOKEN_TTL_SECONDS: setting(int(10, 86_400).default(300), "life of a verificationToken", API),

  // The merchant API (/merchant/graphql): what a merchant's backend may ask of its payment codes.
  MERCHANT_API_MAX_CALLS_PER_MINUTE: setting(int(1, 1_000_000).default(600), "merchant API calls per merchant per minute (its own budget, apart from the browsers' limits)", API),
  PAYMENT_RECORD_SECONDS: setting(int(60, 2_592_000).default(86_400), "how long a payment code's record (its timeline and signed evidence, for the merchant API) is kept after the code expires", API),

  // Signed webhooks to the merchant's backend (Standard Webhooks): both or neither.
  WEBHOOK_URL: setting(z.url({ message: 'must be an http(s) URL' }).optional(), "where the signed webhooks to the merchant's backend go (with WEBHOOK_SECRET)", ALL),
  WEBHOOK_SECRET: setting(optionalString, "the Standard Webhooks secret that signs them (with WEBHOOK_URL)", ALL),
  WEBHOOK_RETRY_BASE_MS: setting(int(10, 600_000).default(1_000), "the first wait after a failed webhook try (doubling)", WORKER),
  WEBHOOK_RETRY_MAX_SECONDS: setting(int(1, 86_400).default(300), "the longest wait between two webhook tries", WORKER),
  WEBHOOK_POLL_MS: setting(int(50, 60_000).default(1_000), "how often the outbox is looked at", WORKER),

  DELIVERY_RETRY_BASE_MS: setting(int(1, 60_000).default(500), "first wait after a transient failure (429, 5xx, timeout, no connection)", WORKER),
  DELIVERY_RETRY_MAX_SECONDS: setting(int(1, 3_600).default(30), "longest wait between two tries (a 429's Retry-After is honoured even when longer)", WORKER),
  DELIVERY_LEASE_SECONDS: setting(int(5, 3_600).default(60), "how long a dispatcher's claim on an email holds before another may take over", WORKER),
  DELIVERY_SWEEP_SECONDS: setting(int(1, 3_600).default(30), "how often pending deliveries are swept up", WORKER),
  DELIVERY_GRACE_SECONDS: setting(int(1, 3_600).default(10), "how long a delivery may stay pending before the sweep sends it", WORKER),
  ...edgeEnvShape,
});

export type Env = z.infer<typeof envSchema>;

/** Every setting, as declared: its name, schema, meaning and roles (see env.ts). */
export const SETTINGS: Readonly<Record<keyof Env, z.ZodType>> = envSchema.shape;

/** Every environment variable the service reads (the compose file forwards each of them). */
export const ENV_NAMES = Object.keys(envSchema.shape) as readonly (keyof Env)[];

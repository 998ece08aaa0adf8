// Reads and checks every environment variable once, at start-up. A bad value stops the
// process with one line per problem naming the variable and what is allowed, so an operator
// never learns about a typo from a half-working service.
import { createPublicKey, type KeyObject } from 'node:crypto';
import { z } from 'zod';
import { ALL, API, int, optionalString, setting, WORKER } from './env.js';
import { worstCaseSendMs } from './delivery/backoff.js';
import { algorithmFor, readKey, readKeys } from './otp/verification-token.js';
import { secretWeakness } from './secret-strength.js';
import { demoMerchants, MerchantsFileError, readMerchantsFile } from './merchants/merchants.file.js';
import type { MerchantDirectory } from './merchants/merchant.js';
import { edgeEnvShape, readEdgeConfig, type EdgeConfig } from './edge/edge.config.js';

export const DEV_OTP_SECRET = 'dev-only-otp-secret-do-not-use-in-production';
const SENDGRID_DEFAULT_BASE_URL = 'https://api.sendgrid.com';


/** The original design's names: fine for trying the service, wrong in anyone's production. */
const PLACEHOLDER_BRAND = 'MyBank2U';
const PLACEHOLDER_MERCHANT = 'Merchant2U';

const envSchema = z.object({
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
  MAIL_FROM: setting(z.email({ message: 'must be an email address' }).default('no-reply@example.com'), "sender address (must be a verified sender in SendGrid)", WORKER),
  MAIL_BRAND: setting(z.string().min(1).max(60).default(PLACEHOLDER_BRAND), "the brand named in each email's subject and text", WORKER),
  MAIL_MERCHANT: setting(z.string().min(1).max(60).default(PLACEHOLDER_MERCHANT), "shop named in emails for purposes without their own wording", WORKER),
  // Production refuses the placeholders above unless this says they are meant.
  MAIL_ALLOW_PLACEHOLDERS: setting(z.enum(['true', 'false'], { message: 'must be true or false' }).default('false'), "true lets production send with the placeholder sender and names above (a staging system, say)", WORKER),

  OTP_SECRET: setting(z.string().min(1).default(DEV_OTP_SECRET), "HMAC key for stored codes", ALL),
  OTP_TTL_SECONDS: setting(int(1, 86_400).default(300), "life of a code, from each request (1–86400)", API),
  OTP_TTL_SECONDS_BY_PURPOSE: setting(
    z.string().regex(/^\s*([A-Za-z0-9_.:-]+\s*=\s*\d{1,5}(\s*,\s*[A-Za-z0-9_.:-]+\s*=\s*\d{1,5})*)?\s*$/, {
      message: 'must be a comma list of purpose=seconds, e.g. payment=120,login=300',
    }).optional(),
    "a code's life for particular purposes (payment=120,login=300); others live OTP_TTL_SECONDS",
    API,
  ),
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

export interface Config {
  nodeEnv: NonNullable<Env['NODE_ENV']>;
  /**
   * True when NODE_ENV was not set and nothing was configured for a deployment (no
   * MONGODB_URI, no SENDGRID_API_KEY): the quick start, run as development, and said so.
   */
  developmentByDefault: boolean;
  /**
   * What this process does: `all` (the default) serves GraphQL and sends the emails; `api`
   * only serves GraphQL; `worker` only sends the emails (and serves /healthz, /readyz,
   * /metrics). Split roles share their work through MongoDB.
   */
  role: Env['ROLE'];
  port: number;
  host: string;
  logLevel: Env['LOG_LEVEL'];
  mongodb: { uri: string | undefined; db: string; timeoutMs: number };
  mail: {
    sendgridApiKey: string | undefined;
    sendgridBaseUrl: string;
    sendgridTimeoutMs: number;
    /** SendGrid's signed Event Webhook at /webhooks/sendgrid: its verification key (null: route off). */
    webhook: { publicKey: string; maxAgeSeconds: number } | null;
    from: string;
    brand: string;
    merchant: string;
  };
  otp: {
    secret: string;
    ttlSeconds: number;
    /** Code life for particular purposes; any other purpose lives ttlSeconds. */
    ttlSecondsByPurpose: Readonly<Record<string, number>>;
    length: number;
    maxAttempts: number;
    resendCooldownSeconds: number;
    maxSendsPerWindow: number;
    sendWindowSeconds: number;
    maxGuessesPerWindow: number;
    guessWindowSeconds: number;
    /** Purposes whose codes must confirm a transaction. */
    transactionPurposes: string[];
  };
  /** Per client IP, on top of the per-address limits. */
  client: {
    maxRequestsPerWindow: number;
    maxVerificationsPerWindow: number;
    maxStatusReadsPerWindow: number;
    windowSeconds: number;
    /** IPv6 clients are counted per network of this prefix length. */
    ipv6PrefixLength: number;
  };
  /** What the public edge holds against floods and bots (src/edge/edge.config.ts). */
  edge: EdgeConfig;
  /** Fastify's trustProxy: which X-Forwarded-For hops to believe for the client IP. */
  trustProxy: boolean | number | string[];
  /** Allowed CORS origins: true = any (development default), false = none (production default). */
  corsOrigins: boolean | string[];
  verificationToken: {
    /** Signs the tokens; null outside production when none is configured: one is made at start. */
    signingKey: KeyObject | null;
    /** Earlier signing keys, still published at /.well-known/jwks.json. */
    previousKeys: KeyObject[];
    /** Audiences a verifyOtp caller may ask a token for; the first is the default. */
    audiences: string[];
    ttlSeconds: number;
  };
  graphql: {
    /** Default: on in development, off in production. */
    introspection: boolean;
    /** The page at GET /graphql. Default: graphiql (offline) in development, off in production. */
    playground: 'graphiql' | 'apollo' | 'off';
    /** Several operations in one HTTP request (a JSON array). Default off: it multiplies one request's cost. */
    batching: boolean;
  };
  metricsToken: string | undefined;
  /** The merchants whose backends sign payment intents; outside production without a file, the demo merchant. */
  merchants: MerchantDirectory;
  shutdownTimeoutSeconds: number;
  /** Signed webhooks to the merchant's backend; null when WEBHOOK_URL is not set. */
  webhook: { url: string; secret: string; retryBaseMs: number; retryMaxMs: number; pollMs: number } | null;
  delivery: {
    retryBaseMs: number;
    /** Longest wait between two tries, unless SendGrid's Retry-After asks for longer. */
    retryMaxMs: number;
    leaseSeconds: number;
    sweepSeconds: number;
    graceSeconds: number;
  };
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

function parseTrustProxy(value: string): boolean | number | string[] {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value.split(',');
}

const GENERATE_SECRET = `generate one with: node -e "console.log(require('crypto').randomBytes(32).toString('base64url'))"`;

/** Why `secret` cannot be used in production, or null. */
function productionSecretProblem(name: string, secret: string): string | null {
  if (secret === DEV_OTP_SECRET) return `${name}: must be set in production (the built-in value is public); ${GENERATE_SECRET}`;
  const weakness = secretWeakness(secret);
  return weakness ? `${name}: must be random: this value ${weakness}; ${GENERATE_SECRET}` : null;
}

/**
 * An empty variable (`PORT=`, a blank line in .env or a compose file) means "not set", never
 * 0 or "": otherwise it would silently turn the cooldown off or pick a random port.
 */
function withoutEmpty(source: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(source).filter(([, value]) => value === undefined || value.trim() !== ''));
}

/** Domains reserved for examples (RFC 2606): no one receives, or trusts, mail from them. */
const EXAMPLE_DOMAIN = /(^|\.)example\.(com|net|org)$|\.(example|test|invalid|localhost)$/i;

function placeholderProblems(env: Pick<Env, 'MAIL_FROM' | 'MAIL_BRAND' | 'MAIL_MERCHANT'>): string[] {
  const allow = 'or set MAIL_ALLOW_PLACEHOLDERS=true if it is meant';
  const problems: string[] = [];
  const domain = env.MAIL_FROM.split('@').pop() ?? '';
  if (EXAMPLE_DOMAIN.test(domain)) problems.push(`MAIL_FROM: must be your own sender address in production (${domain} is a placeholder domain), ${allow}`);
  if (env.MAIL_BRAND === PLACEHOLDER_BRAND) problems.push(`MAIL_BRAND: must name your brand in production (${PLACEHOLDER_BRAND} is the placeholder), ${allow}`);
  if (env.MAIL_MERCHANT === PLACEHOLDER_MERCHANT) problems.push(`MAIL_MERCHANT: must name your shop in production (${PLACEHOLDER_MERCHANT} is the placeholder), ${allow}`);
  return problems;
}

/** SendGrid shows the key as base64 DER (SubjectPublicKeyInfo); a PEM is taken too. */
export function isEcPublicKey(text: string): boolean {
  try {
    const pem = text.includes('-----BEGIN') ? text : `-----BEGIN PUBLIC KEY-----\n${text.trim()}\n-----END PUBLIC KEY-----`;
    return createPublicKey(pem).asymmetricKeyType === 'ec';
  } catch {
    return false;
  }
}

export const GENERATE_WEBHOOK_SECRET = `generate one with: node -e "console.log('whsec_' + require('crypto').randomBytes(32).toString('base64'))"`;

/** whsec_ and base64 of 24 to 64 bytes: what the standardwebhooks libraries take and share. */
function isWebhookSecret(secret: string): boolean {
  const match = /^whsec_([A-Za-z0-9+/]+={0,2})$/.exec(secret);
  const bytes = match ? Buffer.from(match[1]!, 'base64').length : 0;
  return bytes >= 24 && bytes <= 64;
}

export const GENERATE_TOKEN_KEY = `generate one with: node -e "console.log(require('crypto').generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }))"`;

/** The token keys, read and checked; problems are added for the variables that do not hold usable keys. */
function readTokenKeys(env: Env, problems: string[]): { signingKey: KeyObject | null; previousKeys: KeyObject[] } {
  let signingKey: KeyObject | null = null;
  let previousKeys: KeyObject[] = [];
  if (env.VERIFICATION_TOKEN_PRIVATE_KEY) {
    try {
      signingKey = readKey(env.VERIFICATION_TOKEN_PRIVATE_KEY);
    } catch {
      signingKey = null;
    }
    if (!signingKey || signingKey.type !== 'private' || !algorithmFor(signingKey)) {
      problems.push(`VERIFICATION_TOKEN_PRIVATE_KEY: must be an Ed25519 (or P-256) private key, PKCS#8 PEM or JWK; ${GENERATE_TOKEN_KEY}`);
      signingKey = null;
    }
  }
  if (env.VERIFICATION_TOKEN_PREVIOUS_KEYS) {
    try {
      previousKeys = readKeys(env.VERIFICATION_TOKEN_PREVIOUS_KEYS);
      if (previousKeys.some((k) => !algorithmFor(k))) throw new Error('unsupported key type');
    } catch {
      problems.push('VERIFICATION_TOKEN_PREVIOUS_KEYS: must be earlier signing keys (Ed25519 or P-256; public or private), as PEM blocks or a JSON array of JWKs');
      previousKeys = [];
    }
  }
  return { signingKey, previousKeys };
}

/** Parses an environment (process.env by default) into a Config, or throws ConfigError. */
/**
 * The merchants file, read and checked whole (one line naming the merchant and the field when
 * it is wrong). Without one: the demo merchant outside production; in production none, so
 * every payment intent is refused (a deployment without payments needs no file).
 */
function readMerchants(env: { MERCHANTS_FILE?: string | undefined; NODE_ENV: string }, problems: string[]): MerchantDirectory {
  if (env.MERCHANTS_FILE) {
    try {
      return readMerchantsFile(env.MERCHANTS_FILE);
    } catch (error) {
      if (!(error instanceof MerchantsFileError)) throw error;
      problems.push(error.message);
      return new Map();
    }
  }
  return env.NODE_ENV === 'production' ? new Map() : demoMerchants();
}

/** "payment=120,login=300" as { payment: 120, login: 300 }; each value within [min, max], each purpose once. */
function readPurposeSeconds(name: string, value: string | undefined, min: number, max: number, problems: string[]): Record<string, number> {
  const read: Record<string, number> = {};
  for (const pair of value?.split(',') ?? []) {
    if (!pair.trim()) continue;
    const [purpose, seconds] = pair.split('=').map((part) => part.trim()) as [string, string];
    const n = Number(seconds);
    if (n < min || n > max) problems.push(`${name}: ${purpose} must be a whole number of seconds from ${min} to ${max}`);
    else if (purpose in read) problems.push(`${name}: ${purpose} is given twice`);
    else read[purpose] = n;
  }
  return read;
}

/** https://, or http:// to this machine (a local proxy or test double). */
function isSafeServiceUrl(value: string): boolean {
  const url = new URL(value);
  if (url.protocol === 'https:') return true;
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return url.protocol === 'http:' && (host === 'localhost' || host === '::1' || /^127\./.test(host));
}

export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(withoutEmpty(source));
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`),
    );
  }
  const given = parsed.data;

  const problems: string[] = [];
  // Fail closed: the built-in secrets and the log mailer are for development, chosen
  // explicitly. An unset NODE_ENV means development only on a machine configured for nothing
  // (the quick start); once MONGODB_URI or SENDGRID_API_KEY is set, it looks like a
  // deployment, and a forgotten NODE_ENV stops start-up instead of running with public keys.
  const deployment = Boolean(given.MONGODB_URI || given.SENDGRID_API_KEY);
  const developmentByDefault = given.NODE_ENV === undefined && !deployment;
  if (given.NODE_ENV === undefined && deployment) {
    problems.push(
      'NODE_ENV: must be set when MONGODB_URI or SENDGRID_API_KEY is: production for a deployment (strong secrets required), development to try the service out with its built-in secrets',
    );
  }
  const env = { ...given, NODE_ENV: given.NODE_ENV ?? (deployment ? 'production' : 'development') } as const;
  if (env.NODE_ENV === 'test') {
    // Tests are not development: they give their own secrets.
    if (env.OTP_SECRET === DEV_OTP_SECRET) problems.push('OTP_SECRET: must be set when NODE_ENV=test (the built-in value is for development only)');
  }
  if (env.NODE_ENV === 'production') {
    const otpSecret = productionSecretProblem('OTP_SECRET', env.OTP_SECRET);
    if (otpSecret) problems.push(otpSecret);
    // A key made at start dies with the process: every token it signed stops verifying.
    if (!env.VERIFICATION_TOKEN_PRIVATE_KEY && env.ROLE !== 'worker') {
      problems.push(`VERIFICATION_TOKEN_PRIVATE_KEY: must be set in production (an Ed25519 private key, PKCS#8 PEM or JWK); ${GENERATE_TOKEN_KEY}`);
    }
    // Open metrics tell anyone the service's traffic and outcomes: production wants a token.
    if (!env.METRICS_TOKEN) problems.push(`METRICS_TOKEN: must be set in production (/metrics then wants "Authorization: Bearer <token>"); ${GENERATE_SECRET}`);
    // A short or patterned token is guessed; /metrics tells anyone the traffic and its outcomes.
    const metricsWeakness = env.METRICS_TOKEN ? secretWeakness(env.METRICS_TOKEN) : null;
    if (metricsWeakness) problems.push(`METRICS_TOKEN: must be random in production: this value ${metricsWeakness}; ${GENERATE_SECRET}`);
    // Believing every X-Forwarded-For lets a caller name any client address it likes, and walk
    // past every per-client limit.
    if (env.TRUST_PROXY.trim() === 'true') {
      problems.push('TRUST_PROXY: must not be true in production (any caller could claim any client address): give the number of proxy hops, or the proxies\' addresses or CIDRs');
    }
    // Outside services over plain HTTP carry API keys and addresses in clear; loopback stays allowed.
    for (const [name, value] of [['SENDGRID_BASE_URL', env.SENDGRID_BASE_URL], ['WEBHOOK_URL', env.WEBHOOK_URL], ['CHALLENGE_VERIFY_URL', env.CHALLENGE_VERIFY_URL]] as const) {
      if (value && !isSafeServiceUrl(value)) problems.push(`${name}: must be an https:// URL in production (http:// only to a loopback address)`);
    }
    if (!env.SENDGRID_API_KEY && env.ROLE !== 'api') {
      problems.push('SENDGRID_API_KEY: must be set in production (the log mailer is for development only)');
    }
    // Emails from no-reply@example.com signed "MyBank2U" are a forgotten setting, not a choice.
    if (env.ROLE !== 'api' && env.MAIL_ALLOW_PLACEHOLDERS !== 'true') problems.push(...placeholderProblems(env));
    // The embedded mongod is a development convenience: its data dies with the process.
    if (!env.MONGODB_URI) problems.push('MONGODB_URI: must be set in production (a replica set; the embedded mongod is for development only)');
  }
  // API and worker processes meet only in a shared database: each embedded mongod is its own.
  if (env.ROLE !== 'all' && !env.MONGODB_URI) {
    problems.push(
      `ROLE: ${env.ROLE} needs MONGODB_URI (a replica set shared by the API and worker processes); with the embedded mongod one process does both: leave ROLE unset (all)`,
    );
  }
  // Every new code takes OTP_MAX_ATTEMPTS from the address's attempt budget: a smaller budget
  // could never issue one.
  if (env.OTP_MAX_GUESSES_PER_WINDOW < env.OTP_MAX_ATTEMPTS) {
    problems.push(
      `OTP_MAX_GUESSES_PER_WINDOW: must be at least OTP_MAX_ATTEMPTS (${env.OTP_MAX_ATTEMPTS}): each new code takes that many attempts from the address's budget`,
    );
  }
  // A claim must outlast the longest send it covers, or a second dispatcher takes it over and
  // sends the same code again (the lease is also renewed while sending; this is the floor).
  const worstMs = worstCaseSendMs({ timeoutMs: env.SENDGRID_TIMEOUT_MS });
  if (worstMs > env.DELIVERY_LEASE_SECONDS * 1000) {
    problems.push(
      `DELIVERY_LEASE_SECONDS: must be at least the longest SendGrid call, ${Math.ceil(worstMs / 1000)} s (SENDGRID_TIMEOUT_MS); raise it, or lower that`,
    );
  }
  if (env.SENDGRID_WEBHOOK_PUBLIC_KEY && !isEcPublicKey(env.SENDGRID_WEBHOOK_PUBLIC_KEY)) {
    problems.push(
      "SENDGRID_WEBHOOK_PUBLIC_KEY: must be the Signed Event Webhook's verification key from SendGrid (an EC public key, base64 or PEM)",
    );
  }
  const ttlSecondsByPurpose = readPurposeSeconds('OTP_TTL_SECONDS_BY_PURPOSE', env.OTP_TTL_SECONDS_BY_PURPOSE, 1, 86_400, problems);
  const tokenKeys = readTokenKeys(env, problems);
  const edge = readEdgeConfig(env, problems);
  const merchants = readMerchants(env, problems);
  if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) problems.push('WEBHOOK_SECRET: must be set with WEBHOOK_URL (a Standard Webhooks secret, whsec_ and base64)');
  if (env.WEBHOOK_SECRET && !env.WEBHOOK_URL) problems.push('WEBHOOK_URL: must be set with WEBHOOK_SECRET (where the signed events go)');
  if (env.WEBHOOK_SECRET && !isWebhookSecret(env.WEBHOOK_SECRET)) {
    problems.push(`WEBHOOK_SECRET: must be a Standard Webhooks secret: whsec_ followed by base64 of 24 to 64 random bytes; ${GENERATE_WEBHOOK_SECRET}`);
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    nodeEnv: env.NODE_ENV,
    developmentByDefault,
    role: env.ROLE,
    port: env.PORT,
    host: env.HOST,
    logLevel: env.LOG_LEVEL,
    mongodb: { uri: env.MONGODB_URI, db: env.MONGODB_DB, timeoutMs: env.MONGODB_TIMEOUT_MS },
    mail: {
      sendgridApiKey: env.SENDGRID_API_KEY,
      sendgridBaseUrl: env.SENDGRID_BASE_URL,
      sendgridTimeoutMs: env.SENDGRID_TIMEOUT_MS,
      webhook: env.SENDGRID_WEBHOOK_PUBLIC_KEY ? { publicKey: env.SENDGRID_WEBHOOK_PUBLIC_KEY, maxAgeSeconds: env.SENDGRID_WEBHOOK_MAX_AGE_SECONDS } : null,
      from: env.MAIL_FROM,
      brand: env.MAIL_BRAND,
      merchant: env.MAIL_MERCHANT,
    },
    otp: {
      secret: env.OTP_SECRET,
      ttlSeconds: env.OTP_TTL_SECONDS,
      ttlSecondsByPurpose,
      length: env.OTP_LENGTH,
      maxAttempts: env.OTP_MAX_ATTEMPTS,
      resendCooldownSeconds: env.OTP_RESEND_COOLDOWN_SECONDS,
      maxSendsPerWindow: env.OTP_MAX_SENDS_PER_WINDOW,
      sendWindowSeconds: env.OTP_SEND_WINDOW_SECONDS,
      maxGuessesPerWindow: env.OTP_MAX_GUESSES_PER_WINDOW,
      guessWindowSeconds: env.OTP_GUESS_WINDOW_SECONDS,
      transactionPurposes: env.OTP_TRANSACTION_PURPOSES.trim() === 'none' ? [] : env.OTP_TRANSACTION_PURPOSES.split(',').map((p) => p.trim()),
    },
    client: {
      maxRequestsPerWindow: env.CLIENT_MAX_REQUESTS_PER_WINDOW,
      maxVerificationsPerWindow: env.CLIENT_MAX_VERIFICATIONS_PER_WINDOW,
      maxStatusReadsPerWindow: env.CLIENT_MAX_STATUS_READS_PER_WINDOW,
      windowSeconds: env.CLIENT_WINDOW_SECONDS,
      ipv6PrefixLength: env.CLIENT_IPV6_PREFIX_LENGTH,
    },
    edge,
    trustProxy: parseTrustProxy(env.TRUST_PROXY),
    corsOrigins: env.CORS_ORIGINS
      ? env.CORS_ORIGINS.split(',').map((o) => o.trim()).filter(Boolean)
      : env.NODE_ENV !== 'production',
    verificationToken: {
      ...tokenKeys,
      audiences: env.VERIFICATION_TOKEN_AUDIENCES.split(',').map((a) => a.trim()),
      ttlSeconds: env.VERIFICATION_TOKEN_TTL_SECONDS,
    },
    graphql: {
      introspection: env.GRAPHQL_INTROSPECTION ? env.GRAPHQL_INTROSPECTION === 'true' : env.NODE_ENV !== 'production',
      playground: env.GRAPHQL_PLAYGROUND ?? (env.NODE_ENV === 'production' ? 'off' : 'graphiql'),
      batching: env.GRAPHQL_BATCHING === 'true',
    },
    metricsToken: env.METRICS_TOKEN,
    merchants,
    webhook:
      env.WEBHOOK_URL && env.WEBHOOK_SECRET
        ? {
            url: env.WEBHOOK_URL,
            secret: env.WEBHOOK_SECRET,
            retryBaseMs: env.WEBHOOK_RETRY_BASE_MS,
            retryMaxMs: env.WEBHOOK_RETRY_MAX_SECONDS * 1000,
            pollMs: env.WEBHOOK_POLL_MS,
          }
        : null,
    shutdownTimeoutSeconds: env.SHUTDOWN_TIMEOUT_SECONDS,
    delivery: {
      retryBaseMs: env.DELIVERY_RETRY_BASE_MS,
      retryMaxMs: env.DELIVERY_RETRY_MAX_SECONDS * 1000,
      leaseSeconds: env.DELIVERY_LEASE_SECONDS,
      sweepSeconds: env.DELIVERY_SWEEP_SECONDS,
      graceSeconds: env.DELIVERY_GRACE_SECONDS,
    },
  };
}

/** Every setting, as declared: its name, schema, meaning and roles (see env.ts). */
export const SETTINGS: Readonly<Record<keyof Env, z.ZodType>> = envSchema.shape;

/** Every environment variable the service reads (the compose file forwards each of them). */
export const ENV_NAMES = Object.keys(envSchema.shape) as readonly (keyof Env)[];

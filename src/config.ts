// Reads and checks every environment variable once, at start-up. A bad value stops the
// process with one line per problem naming the variable and what is allowed, so an operator
// never learns about a typo from a half-working service. The settings are declared in
// config/settings.ts; the Config every consumer reads is config/config.types.ts.
import { worstCaseSendMs } from './backoff.js';
import { readEdgeConfig } from './edge/edge.config.js';
import {
  GENERATE_SECRET,
  GENERATE_WEBHOOK_SECRET,
  isEcPublicKey,
  isSafeServiceUrl,
  isWebhookSecret,
  parseTrustProxy,
  placeholderProblems,
  productionSecretProblem,
  readMerchants,
  readTemplates,
  readPerPurpose,
  readTokenKeys,
  withoutEmpty,
  GENERATE_TOKEN_KEY,
} from './config/checks.js';
import { ConfigError, type Config } from './config/config.types.js';
import { readDynamicTemplateIds } from './mail/dynamic-templates.js';
import { mailFrom } from './mail/mail-from.js';
import { DEV_OTP_SECRET, envSchema } from './config/settings.js';
import { secretWeakness } from './secret-strength.js';

export { ConfigError, type Config } from './config/config.types.js';
export { DEV_OTP_SECRET, ENV_NAMES, SETTINGS, type Env } from './config/settings.js';
export { GENERATE_TOKEN_KEY, GENERATE_WEBHOOK_SECRET, isEcPublicKey } from './config/checks.js';

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
  const ttlSecondsByPurpose = readPerPurpose('OTP_TTL_SECONDS_BY_PURPOSE', env.OTP_TTL_SECONDS_BY_PURPOSE, { min: 1, max: 86_400, unit: 'seconds' }, problems);
  const tokenKeys = readTokenKeys(env, problems);
  const edge = readEdgeConfig(env, problems);
  const merchants = readMerchants(env, problems);
  if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) problems.push('WEBHOOK_SECRET: must be set with WEBHOOK_URL (a Standard Webhooks secret, whsec_ and base64)');
  if (env.WEBHOOK_SECRET && !env.WEBHOOK_URL) problems.push('WEBHOOK_URL: must be set with WEBHOOK_SECRET (where the signed events go)');
  if (env.WEBHOOK_SECRET && !isWebhookSecret(env.WEBHOOK_SECRET)) {
    problems.push(`WEBHOOK_SECRET: must be a Standard Webhooks secret: whsec_ followed by base64 of 24 to 64 random bytes; ${GENERATE_WEBHOOK_SECRET}`);
  }
  const dynamicTemplates = readDynamicTemplateIds(env.SENDGRID_TEMPLATE_IDS, problems);
  // Only a process that sends reads the templates; checked whole before anything starts.
  const templates = env.ROLE === 'api' ? null : readTemplates(env.MAIL_TEMPLATES_DIR ?? null, env.MERCHANTS_FILE ? new Set(merchants.keys()) : null, problems);
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
      sendgridEvents: env.SENDGRID_WEBHOOK_PUBLIC_KEY
        ? { publicKey: env.SENDGRID_WEBHOOK_PUBLIC_KEY, maxAgeSeconds: env.SENDGRID_WEBHOOK_MAX_AGE_SECONDS, maxPostsPerMinute: env.SENDGRID_WEBHOOK_MAX_POSTS_PER_MINUTE }
        : null,
      from: mailFrom(env.MAIL_FROM, env.MAIL_FROM_NAME, env.MAIL_BRAND),
      brand: env.MAIL_BRAND,
      merchant: env.MAIL_MERCHANT,
      timeZone: env.MAIL_TIME_ZONE,
      templates,
      dynamicTemplates,
    },
    otp: {
      secret: env.OTP_SECRET,
      ttlSeconds: env.OTP_TTL_SECONDS,
      ttlSecondsByPurpose,
      codeLength: env.OTP_LENGTH,
      maxAttempts: env.OTP_MAX_ATTEMPTS,
      resendCooldownSeconds: env.OTP_RESEND_COOLDOWN_SECONDS,
      maxSendsPerWindow: env.OTP_MAX_SENDS_PER_WINDOW,
      sendWindowSeconds: env.OTP_SEND_WINDOW_SECONDS,
      maxGuessesPerWindow: env.OTP_MAX_GUESSES_PER_WINDOW,
      guessWindowSeconds: env.OTP_GUESS_WINDOW_SECONDS,
      transactionPurposes: env.OTP_TRANSACTION_PURPOSES.trim() === 'none' ? [] : env.OTP_TRANSACTION_PURPOSES.split(',').map((p) => p.trim()),
      paymentRecordSeconds: env.PAYMENT_RECORD_SECONDS,
    },
    merchantApi: { maxCallsPerMinute: env.MERCHANT_API_MAX_CALLS_PER_MINUTE },
    client: {
      maxRequestsPerWindow: env.CLIENT_MAX_REQUESTS_PER_WINDOW,
      maxVerificationsPerWindow: env.CLIENT_MAX_VERIFICATIONS_PER_WINDOW,
      maxStatusReadsPerWindow: env.CLIENT_MAX_STATUS_READS_PER_WINDOW,
      windowSeconds: env.CLIENT_WINDOW_SECONDS,
      ipv6PrefixLength: env.CLIENT_IPV6_PREFIX_LENGTH,
      ipv6SiteFactor: env.CLIENT_IPV6_SITE_FACTOR,
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
    merchantsFile: env.MERCHANTS_FILE ?? null,
    merchantWebhooks:
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

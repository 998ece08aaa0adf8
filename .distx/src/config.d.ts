import { type KeyObject } from 'node:crypto';
import { z } from 'zod';
import type { MerchantDirectory } from './merchants/merchant.js';
import { type EdgeConfig } from './edge/edge.config.js';
export declare const DEV_OTP_SECRET = "dev-only-otp-secret-do-not-use-in-production";
declare const envSchema: z.ZodObject<{
    CHALLENGE: z.ZodDefault<z.ZodEnum<{
        altcha: "altcha";
        hcaptcha: "hcaptcha";
        off: "off";
        turnstile: "turnstile";
    }>>;
    CHALLENGE_SECRET: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    CHALLENGE_SITE_KEY: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    CHALLENGE_VERIFY_URL: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    ALTCHA_DIFFICULTY: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    ALTCHA_EXPIRES_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    SEND_BUDGET_PER_DOMAIN: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    SEND_BUDGET_TOTAL: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    SEND_BUDGET_WINDOW_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    WS_MAX_CONNECTIONS_PER_CLIENT: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    WS_MAX_SUBSCRIPTIONS_PER_CONNECTION: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    WS_MAX_SUBSCRIPTIONS_PER_CLIENT: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    NODE_ENV: z.ZodOptional<z.ZodEnum<{
        development: "development";
        production: "production";
        test: "test";
    }>>;
    PORT: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    HOST: z.ZodDefault<z.ZodString>;
    LOG_LEVEL: z.ZodDefault<z.ZodEnum<{
        debug: "debug";
        error: "error";
        fatal: "fatal";
        info: "info";
        silent: "silent";
        trace: "trace";
        warn: "warn";
    }>>;
    ROLE: z.ZodDefault<z.ZodEnum<{
        all: "all";
        api: "api";
        worker: "worker";
    }>>;
    STORE: z.ZodDefault<z.ZodEnum<{
        auto: "auto";
        memory: "memory";
        mongodb: "mongodb";
    }>>;
    MONGODB_URI: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    MONGODB_DB: z.ZodDefault<z.ZodString>;
    MONGODB_TIMEOUT_MS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    SENDGRID_API_KEY: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    SENDGRID_BASE_URL: z.ZodDefault<z.ZodURL>;
    SENDGRID_TIMEOUT_MS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    SENDGRID_WEBHOOK_PUBLIC_KEY: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    SENDGRID_WEBHOOK_MAX_AGE_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    MAIL_FROM: z.ZodDefault<z.ZodEmail>;
    MAIL_BRAND: z.ZodDefault<z.ZodString>;
    MAIL_MERCHANT: z.ZodDefault<z.ZodString>;
    MAIL_ALLOW_PLACEHOLDERS: z.ZodDefault<z.ZodEnum<{
        false: "false";
        true: "true";
    }>>;
    OTP_SECRET: z.ZodDefault<z.ZodString>;
    OTP_TTL_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    OTP_LENGTH: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    OTP_MAX_ATTEMPTS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    OTP_RESEND_COOLDOWN_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    OTP_MAX_SENDS_PER_WINDOW: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    OTP_SEND_WINDOW_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    GRAPHQL_INTROSPECTION: z.ZodOptional<z.ZodEnum<{
        false: "false";
        true: "true";
    }>>;
    GRAPHQL_BATCHING: z.ZodDefault<z.ZodEnum<{
        false: "false";
        true: "true";
    }>>;
    GRAPHQL_PLAYGROUND: z.ZodOptional<z.ZodEnum<{
        apollo: "apollo";
        graphiql: "graphiql";
        off: "off";
    }>>;
    METRICS_TOKEN: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    SHUTDOWN_TIMEOUT_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    OTP_MAX_GUESSES_PER_WINDOW: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    OTP_GUESS_WINDOW_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    MERCHANTS_FILE: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    OTP_TRANSACTION_PURPOSES: z.ZodDefault<z.ZodString>;
    CLIENT_MAX_REQUESTS_PER_WINDOW: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    CLIENT_MAX_VERIFICATIONS_PER_WINDOW: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    CLIENT_MAX_STATUS_READS_PER_WINDOW: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    CLIENT_WINDOW_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    CLIENT_IPV6_PREFIX_LENGTH: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    TRUST_PROXY: z.ZodDefault<z.ZodString>;
    CORS_ORIGINS: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    VERIFICATION_TOKEN_PRIVATE_KEY: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    VERIFICATION_TOKEN_PREVIOUS_KEYS: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    VERIFICATION_TOKEN_AUDIENCES: z.ZodDefault<z.ZodString>;
    VERIFICATION_TOKEN_TTL_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    WEBHOOK_URL: z.ZodOptional<z.ZodURL>;
    WEBHOOK_SECRET: z.ZodPipe<z.ZodOptional<z.ZodString>, z.ZodTransform<string | undefined, string | undefined>>;
    WEBHOOK_RETRY_BASE_MS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    WEBHOOK_RETRY_MAX_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    WEBHOOK_POLL_MS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    DELIVERY_RETRY_BASE_MS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    DELIVERY_RETRY_MAX_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    DELIVERY_LEASE_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    DELIVERY_SWEEP_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
    DELIVERY_GRACE_SECONDS: z.ZodDefault<z.ZodCoercedNumber<unknown>>;
}, z.core.$strip>;
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
    /** auto: MONGODB_URI, else an embedded mongod if one can start, else the in-process store. */
    store: Env['STORE'];
    mongodb: {
        uri: string | undefined;
        db: string;
        timeoutMs: number;
    };
    mail: {
        sendgridApiKey: string | undefined;
        sendgridBaseUrl: string;
        sendgridTimeoutMs: number;
        /** SendGrid's signed Event Webhook at /webhooks/sendgrid: its verification key (null: route off). */
        webhook: {
            publicKey: string;
            maxAgeSeconds: number;
        } | null;
        from: string;
        brand: string;
        merchant: string;
    };
    otp: {
        secret: string;
        ttlSeconds: number;
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
    webhook: {
        url: string;
        secret: string;
        retryBaseMs: number;
        retryMaxMs: number;
        pollMs: number;
    } | null;
    delivery: {
        retryBaseMs: number;
        /** Longest wait between two tries, unless SendGrid's Retry-After asks for longer. */
        retryMaxMs: number;
        leaseSeconds: number;
        sweepSeconds: number;
        graceSeconds: number;
    };
}
export declare class ConfigError extends Error {
    readonly problems: string[];
    constructor(problems: string[]);
}
/** SendGrid shows the key as base64 DER (SubjectPublicKeyInfo); a PEM is taken too. */
export declare function isEcPublicKey(text: string): boolean;
export declare const GENERATE_WEBHOOK_SECRET = "generate one with: node -e \"console.log('whsec_' + require('crypto').randomBytes(32).toString('base64'))\"";
export declare const GENERATE_TOKEN_KEY = "generate one with: node -e \"console.log(require('crypto').generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }))\"";
export declare function loadConfig(source?: NodeJS.ProcessEnv): Config;
/** Every environment variable the service reads (the compose file forwards each of them). */
export declare const ENV_NAMES: readonly (keyof Env)[];
export {};

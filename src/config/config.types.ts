// The configuration as every consumer reads it: one structured object, read from the
// declared settings (settings.ts) by loadConfig (config.ts).
import type { KeyObject } from 'node:crypto';
import type { EdgeConfig } from '../edge/edge.config.js';
import type { MerchantDirectory } from '../merchants/merchant.js';
import type { ClientPolicy, OtpRules } from '../otp/otp.commands.js';
import type { Env } from './settings.js';
import type { DynamicTemplateIds } from '../mail/dynamic-templates.js';
import type { MailFrom } from '../mail/mail-from.js';
import type { TemplateSet } from '../mail/templates/template-set.js';

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
    sendgridEvents: { publicKey: string; maxAgeSeconds: number; maxPostsPerMinute: number } | null;
    /** The sender, with the name the inbox shows. */
    from: MailFrom;
    brand: string;
    merchant: string;
    /** MAIL_TIME_ZONE: the zone the expiry's clock time is written in. */
    timeZone: string;
    /** The email templates, checked whole at start; null in an API-only process (it sends none). */
    templates: TemplateSet | null;
    /** SENDGRID_TEMPLATE_IDS, by kind[.language]; null when our own templates are sent. */
    dynamicTemplates: DynamicTemplateIds | null;
  };
  /** The rules a code lives by, as the service reads them (one object, never copied), and the key for its hashes. */
  otp: OtpRules & { secret: string };
  /** Per client IP, on top of the per-address limits. */
  client: ClientPolicy;
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
  /** MERCHANTS_FILE, read again on SIGHUP (null: none, the merchants above stay as they are). */
  merchantsFile: string | null;
  shutdownTimeoutSeconds: number;
  /** The merchant API (/merchant/graphql): each merchant's own budget of calls. */
  merchantApi: { maxCallsPerMinute: number };
  /** Signed webhooks to the merchant's backend; null when WEBHOOK_URL is not set. */
  merchantWebhooks: { url: string; secret: string; retryBaseMs: number; retryMaxMs: number; pollMs: number } | null;
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
